package officer

import (
	"portal/models"
)

func yuan(m models.Money) string { return m.String() }
