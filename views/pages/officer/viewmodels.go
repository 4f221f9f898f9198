package officer

import (
	"strconv"

	"portal/models"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func yuan(m models.Money) string { return m.String() }
