package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Pinger is anything that can tell whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Health answers /healthz: 200 when the database answers, 503 when it does not.
func Health(db Pinger) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "不可用"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": "正常"})
	}
}

// Live answers /livez: 200 while the process serves requests, whatever the database
// does, so an orchestrator restarts only a process that hangs.
func Live(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
