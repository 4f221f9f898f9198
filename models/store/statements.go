package store

import (
	"context"
	"sync"
)

// StatementLog records the SQL text of every statement sent with a context carrying it,
// whichever store method, session lookup or middleware sent it: the pool's pgx tracer
// (faults.go) appends to it. Tests count a request's statements with it.
type StatementLog struct {
	mu   sync.Mutex
	list []string
}

type statementLogKey struct{}

// WithStatementLog returns a context whose statements are recorded in the returned log.
func WithStatementLog(ctx context.Context) (context.Context, *StatementLog) {
	l := &StatementLog{}
	return context.WithValue(ctx, statementLogKey{}, l), l
}

func (l *StatementLog) add(sql string) {
	l.mu.Lock()
	l.list = append(l.list, sql)
	l.mu.Unlock()
}

// Statements returns the recorded SQL texts in the order they were sent.
func (l *StatementLog) Statements() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.list...)
}

// logStatement adds sql to the context's log, if it has one.
func logStatement(ctx context.Context, sql string) {
	if l, ok := ctx.Value(statementLogKey{}).(*StatementLog); ok {
		l.add(sql)
	}
}
