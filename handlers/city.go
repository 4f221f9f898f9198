package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
)

// Disagree is the city's disagreement with the district's result: back to the district
// with the reasons, which the district sees on the application page.
func (h *Reviews) Disagree(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	reasons := strings.TrimSpace(c.FormValue("disagree_reasons"))
	_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventDisagree, reasons, version(c))
	return h.decided(c, id, "disagree", "disagree_reasons", map[string]string{"disagree_reasons": reasons}, err,
		"已退回区级重新审核，区金融工作部门将看到不同意的原因")
}

// Confirm is the leadership group's confirmation (专责小组审定). The workflow refuses the
// officer who did the preliminary acceptance (four-eyes); the page then says why.
func (h *Reviews) Confirm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	opinion := strings.TrimSpace(c.FormValue("confirm_opinion"))
	_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventConfirm, opinion, version(c))
	return h.decided(c, id, "confirm", "confirm_opinion", map[string]string{"confirm_opinion": opinion}, err,
		"专责小组审定通过，公示已开始")
}
