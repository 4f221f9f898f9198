package pgcluster

import (
	"bytes"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

func asPgError(err error, pe **pgconn.PgError) bool { return errors.As(err, pe) }

// isZombie reads the state field of /proc/<pid>/stat.
func isZombie(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}
