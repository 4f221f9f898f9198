package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/gob"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/layout"
)

const sessionName = "portal_session"

func init() { gob.Register(layout.Flash{}) }

// sessionBackend is the store's session persistence.
type sessionBackend interface {
	LoadSession(ctx context.Context, id string, now time.Time) (*store.SessionRecord, error)
	SaveSession(ctx context.Context, rec store.SessionRecord) error
	DeleteSession(ctx context.Context, id string) error
	DescribeSession(ctx context.Context, id, userAgent, clientIP string) error
}

// pgSessions is a gorilla/sessions Store whose data lives in PostgreSQL: the cookie
// carries only a signed random id, so deleting the row ends the session everywhere.
type pgSessions struct {
	db      sessionBackend
	codecs  []securecookie.Codec
	options *sessions.Options
	now     func() time.Time
}

func newPGSessions(db sessionBackend, key []byte, secure bool, now func() time.Time) *pgSessions {
	return &pgSessions{db: db, codecs: securecookie.CodecsFromPairs(key), now: now, options: &sessions.Options{
		Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(models.SessionMaxLifetime.Seconds()),
	}}
}

// Get returns the request's cached session.
func (s *pgSessions) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named in the cookie, or starts an empty one.
func (s *pgSessions) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := *s.options
	sess.Options = &opts
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if err := securecookie.DecodeMulti(name, c.Value, &id, s.codecs...); err != nil {
		return sess, nil // a forged or stale cookie is simply no session
	}
	rec, err := s.db.LoadSession(r.Context(), id, s.now())
	if err != nil || rec == nil {
		return sess, err
	}
	if err := gob.NewDecoder(bytes.NewReader(rec.Data)).Decode(&sess.Values); err != nil {
		return sess, nil
	}
	sess.ID = id
	sess.IsNew = false
	return sess, nil
}

// Save writes the session row and the cookie; MaxAge < 0 deletes both.
func (s *pgSessions) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	if sess.ID == "" {
		sess.ID = newSessionID()
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(sess.Values); err != nil {
		return err
	}
	now := s.now()
	rec := store.SessionRecord{ID: sess.ID, Data: buf.Bytes(), CreatedAt: now, LastSeenAt: now}
	if uid, ok := sess.Values["uid"].(int64); ok {
		rec.UserID = &uid
	}
	if err := s.db.SaveSession(r.Context(), rec); err != nil {
		return err
	}
	encoded, err := securecookie.EncodeMulti(sess.Name(), sess.ID, s.codecs...)
	if err != nil {
		return err
	}
	opts := *sess.Options
	opts.Secure = opts.Secure || overTLS(r)
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, &opts))
	return nil
}

// overTLS reports whether the browser reached us over HTTPS, directly or through a
// proxy that says so; cookies are then marked Secure even without PORTAL_SECURE_COOKIES.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func newSessionID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's random source failing leaves nothing safe to do
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionManager implements handlers.Sessions on top of the gorilla store.
type sessionManager struct{ store *pgSessions }

func (m sessionManager) get(c echo.Context) *sessions.Session {
	sess, _ := m.store.Get(c.Request(), sessionName)
	return sess
}

// Login drops the old session and starts one with a new id, against fixation.
func (m sessionManager) Login(c echo.Context, userID int64) error {
	sess := m.get(c)
	if sess.ID != "" {
		if err := m.store.db.DeleteSession(c.Request().Context(), sess.ID); err != nil {
			return err
		}
	}
	sess.ID = ""
	sess.IsNew = true
	sess.Values = map[any]any{"uid": userID}
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return m.store.db.DescribeSession(c.Request().Context(), sess.ID, c.Request().UserAgent(), c.RealIP())
}

// secondFactorTTL is how long a right password waits for its one-time code.
const secondFactorTTL = 5 * time.Minute

// BeginSecondFactor starts a fresh session (new id) that is not signed in: it only
// remembers whose password was right, until the one-time code step ends it.
func (m sessionManager) BeginSecondFactor(c echo.Context, userID int64) error {
	sess := m.get(c)
	if sess.ID != "" {
		if err := m.store.db.DeleteSession(c.Request().Context(), sess.ID); err != nil {
			return err
		}
	}
	sess.ID = ""
	sess.IsNew = true
	sess.Values = map[any]any{"mfa_uid": userID, "mfa_at": m.store.now().Unix()}
	return sess.Save(c.Request(), c.Response())
}

// SecondFactor is the user whose password was right within secondFactorTTL, awaiting a code.
func (m sessionManager) SecondFactor(c echo.Context) (int64, bool) {
	sess := m.get(c)
	uid, ok := sess.Values["mfa_uid"].(int64)
	at, ok2 := sess.Values["mfa_at"].(int64)
	if !ok || !ok2 || m.store.now().Sub(time.Unix(at, 0)) > secondFactorTTL {
		return 0, false
	}
	return uid, true
}

func (m sessionManager) Logout(c echo.Context) error {
	sess := m.get(c)
	sess.Options.MaxAge = -1
	return sess.Save(c.Request(), c.Response())
}

func (m sessionManager) ID(c echo.Context) string { return m.get(c).ID }

func (m sessionManager) Flash(c echo.Context, kind, message string) error {
	sess := m.get(c)
	sess.AddFlash(layout.Flash{Kind: kind, Message: message})
	return sess.Save(c.Request(), c.Response())
}

func (m sessionManager) PopFlashes(c echo.Context) []layout.Flash {
	sess := m.get(c)
	raw := sess.Flashes()
	if len(raw) == 0 {
		return nil
	}
	_ = sess.Save(c.Request(), c.Response())
	out := make([]layout.Flash, 0, len(raw))
	for _, f := range raw {
		if fl, ok := f.(layout.Flash); ok {
			out = append(out, fl)
		}
	}
	return out
}
