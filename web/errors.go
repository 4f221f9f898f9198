package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"portal/handlers"
	"portal/models"
	"portal/models/store"
	"portal/views/pages/public"
)

// statusOf is the one place that maps an error to an HTTP status, a title and a message.
func statusOf(err error) (int, string, string) {
	if models.ErrorCode(err) == models.EInternal && store.IsUnavailable(err) {
		// Issue 8, 3.1: the database is down or restarting. The session is kept; the
		// visitor retries, and nothing is sent to the login page.
		return http.StatusServiceUnavailable, "数据库暂时不可用", "数据库暂时不可用，本次操作没有完成，也没有保存任何内容。您的登录状态不受影响，请稍候片刻再刷新或重新提交。"
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, "页面不存在", "您访问的页面不存在，或不在您的管辖范围内。"
		case http.StatusMethodNotAllowed:
			return he.Code, "请求方式不正确", "该页面不支持此请求方式。"
		case http.StatusRequestEntityTooLarge:
			return he.Code, "提交内容过大", "提交的内容超过了允许的大小。"
		case http.StatusTooManyRequests:
			return he.Code, "请求过于频繁", "请求过于频繁，请稍后再试。"
		}
		if he.Code < 500 {
			return he.Code, "请求无法处理", "请求无法处理，请检查后重试。"
		}
		return http.StatusInternalServerError, "系统错误", "系统内部错误，请稍后重试。"
	}
	msg := models.ErrorMessage(err)
	switch models.ErrorCode(err) {
	case models.EInvalid:
		return http.StatusUnprocessableEntity, "提交的内容有误", msg
	case models.ENotFound:
		return http.StatusNotFound, "页面不存在", msg
	case models.EForbidden:
		return http.StatusForbidden, "无权操作", msg
	case models.EConflict:
		return http.StatusConflict, "操作冲突", msg
	case models.ELocked:
		return http.StatusLocked, "已锁定", msg
	case models.EUnauthorized:
		return http.StatusUnauthorized, "请先登录", msg
	case models.ETooLarge:
		return http.StatusRequestEntityTooLarge, "提交内容过大", msg
	case models.EStorage:
		return http.StatusInsufficientStorage, "服务器存储故障，未保存", msg
	}
	return http.StatusInternalServerError, "系统错误", msg
}

// errorHandler renders every error as a Chinese page with the request id, never a
// stack trace; a visitor who must sign in is sent to the login page instead.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, title, msg := statusOf(err)
		reqID := c.Response().Header().Get(echo.HeaderXRequestID)
		if status == http.StatusServiceUnavailable {
			c.Response().Header().Set("Retry-After", "5")
			c.Response().Header().Set("Cache-Control", "no-store")
		}
		if status >= 500 {
			log.Error("request failed", "id", reqID, "path", c.Request().URL.Path, "err", err)
		}
		if status == http.StatusUnauthorized && handlers.CurrentUser(c) == nil && c.Request().Method == http.MethodGet {
			_ = c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			return
		}
		if status == http.StatusUnauthorized {
			_ = c.Redirect(http.StatusSeeOther, "/login")
			return
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		if rerr := handlers.Render(c, status, public.Error(public.ErrorPage{Status: status, Title: title, Message: msg, RequestID: reqID})); rerr != nil {
			log.Error("rendering error page", "id", reqID, "err", rerr)
		}
	}
}
