package components

import "context"

type csrfKey struct{}

// WithCSRF stores the request's anti-forgery token in ctx, for CSRF. The page frame does
// it (layout.WithShell), so every page rendered with the request's context has it.
func WithCSRF(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

// CSRFToken is the request's anti-forgery token; "" outside a request.
func CSRFToken(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey{}).(string)
	return s
}
