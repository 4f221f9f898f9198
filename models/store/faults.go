package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Writes counts the events after which what this process last read may be out of date:
// every COMMIT, every statement other than a SELECT that ran outside a transaction, and
// every statement or connection that failed because the database was unavailable.
// Caches in this process read it to know, without asking the database, that they must
// look again (a change by another process still needs a look at the database).
func (s *Store) Writes() uint64 {
	if s.writes == nil {
		return 0
	}
	return s.writes.Load()
}

// writeTracer is the pgx tracer behind Writes. It sees every statement of the pool,
// whichever store method or test sent it.
type writeTracer struct{ n *atomic.Uint64 }

type maybeWriteKey struct{}

func (t writeTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	logStatement(ctx, data.SQL)
	if isRead(data.SQL) {
		return ctx // no allocation on the hot read path
	}
	return context.WithValue(ctx, maybeWriteKey{}, true)
}

func (t writeTracer) TraceQueryEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryEndData) {
	if data.Err != nil && IsUnavailable(data.Err) {
		t.n.Add(1)
		return
	}
	if ctx.Value(maybeWriteKey{}) == nil {
		return
	}
	// Inside a transaction nothing is visible to others yet; the COMMIT counts.
	if conn.PgConn().TxStatus() == 'I' {
		t.n.Add(1)
	}
}

func isRead(sql string) bool {
	sql = strings.TrimLeft(sql, " \t\r\n(")
	return len(sql) >= 6 && strings.EqualFold(sql[:6], "select")
}

// IsUnavailable reports whether err means the database cannot be reached or is
// restarting, rather than refusing the statement: the web layer answers those with
// 503 "数据库暂时不可用" and never treats them as a missing session or user. The web
// layer asks only about uncoded errors: a coded one (a full disk, bad input) says
// what it is itself.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		// class 08: connection exception; 57P01–57P03: shutting down, crashed, starting up
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "failed to connect") ||
		strings.Contains(msg, "connection refused") || strings.Contains(msg, "unexpected EOF")
}

func (t writeTracer) TraceConnectStart(ctx context.Context, _ pgx.TraceConnectStartData) context.Context {
	return ctx
}

// TraceConnectEnd counts a failed connection: the database may be down.
func (t writeTracer) TraceConnectEnd(_ context.Context, data pgx.TraceConnectEndData) {
	if data.Err != nil {
		t.n.Add(1)
	}
}
