package web

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"portal/models"
)

// Bounds on every request value, whatever the route (issue 8 §2.6). Fields have their own,
// tighter rules in models; these keep junk from reaching any handler or the database.
const (
	maxQueryValue = 2000    // bytes: a search, a page number, a next path
	maxFormValue  = 30_000 // bytes: 10,000 Chinese characters, the longest opinion or finding
	maxFormValues = 2000    // values in one url-encoded form
)

// cleanText reports whether s can be stored as PostgreSQL text: valid UTF-8 without NUL.
func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// boundedInput refuses, before any handler or the store sees them, values that no field
// may hold: invalid UTF-8 or NUL bytes (PostgreSQL text refuses both, which gave a 500),
// over-long query values and over-long url-encoded form values. A bad path parameter is
// simply not found. Multipart bodies are not read here: they are streamed by their
// handlers, which check their own fields.
func boundedInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, v := range c.ParamValues() {
			if d, err := url.PathUnescape(v); err != nil || !cleanText(d) || !cleanText(v) {
				return models.Errorf(models.ENotFound, "页面不存在")
			}
		}
		if err := checkValues(c.QueryParams(), maxQueryValue, "查询参数"); err != nil {
			return err
		}
		if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
			form, err := c.FormParams()
			if err != nil {
				return models.Errorf(models.EInvalid, "表单无法读取（内容过大或格式不正确），请返回上一页检查后重新提交")
			}
			if err := checkValues(form, maxFormValue, "填写的内容"); err != nil {
				return err
			}
		}
		return next(c)
	}
}

func checkValues(vs url.Values, max int, what string) error {
	n := 0
	for k, list := range vs {
		if !cleanText(k) {
			return models.Errorf(models.EInvalid, "%s含有无效字符（空字符或非 UTF-8 编码），请检查后重新提交", what)
		}
		for _, v := range list {
			n++
			if !cleanText(v) {
				return models.Errorf(models.EInvalid, "%s含有无效字符（空字符或非 UTF-8 编码），请检查后重新提交", what)
			}
			if len(v) > max {
				return models.Errorf(models.EInvalid, "%s过长：单项不超过 %d 字节，请删减后重新提交", what, max)
			}
		}
	}
	if n > maxFormValues {
		return models.Errorf(models.EInvalid, "%s项数过多，请检查后重新提交", what)
	}
	return nil
}
