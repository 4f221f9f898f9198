package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/pdf"
)

// DocumentStore is what the formal documents need of the store.
type DocumentStore interface {
	FailureLetter(ctx context.Context, u *models.User, appID int64) (*models.Document, error)
	NoticeByID(ctx context.Context, id int64) (*store.NoticeRow, error)
	NoticeDocNumber(ctx context.Context, n *store.NoticeRow) (string, error)
}

// NoticeNumbers gives a notice its document number.
type NoticeNumbers interface {
	NoticeDocNumber(ctx context.Context, n *store.NoticeRow) (string, error)
}

// Documents serves the formal documents as PDF: the 不合格告知书 and the public notice.
type Documents struct {
	store DocumentStore
	now   Clock
}

// NewDocuments builds the document handlers.
func NewDocuments(s DocumentStore, now Clock) *Documents { return &Documents{store: s, now: now} }

// FailureLetterPDF is /applications/{id}/failure-notice.pdf: the latest failure notice
// as a sealed 整改验收不合格告知书 (plan 1 四(二)5(2)), for the platform and the officers
// who may see the application.
func (h *Documents) FailureLetterPDF(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	doc, err := h.store.FailureLetter(c.Request().Context(), CurrentUser(c), id)
	if err != nil {
		return err
	}
	if doc == nil {
		return models.Errorf(models.ENotFound, "本申请没有不合格告知书")
	}
	return sendLetter(c, *doc, "", "整改验收不合格告知书-"+doc.Addressee+".pdf")
}

// NoticeDocument is the formal text of a public notice with its 文号, as the notice page
// and its PDF show it.
func NoticeDocument(ctx context.Context, s NoticeNumbers, n *store.NoticeRow, pageURL string) (models.Document, error) {
	number, err := s.NoticeDocNumber(ctx, n)
	if err != nil {
		return models.Document{}, err
	}
	f := models.NoticeDocFacts{Number: number, City: n.CityName, District: n.DistrictName, Institution: n.InstitutionName, USCC: n.USCC,
		Large: models.IsLargeScale(n.Balance), Start: n.StartDate, End: n.EndDate, Days: n.Days, URL: pageURL,
		Revoked: n.Status == models.NoticeRevoked, RevokedReason: n.RevokedReason}
	if n.RevokedAt != nil {
		f.RevokedOn = models.DateOf(*n.RevokedAt)
	}
	return models.NoticeDocument(f), nil
}

// NoticePDF is /notices/{id}/notice.pdf: the public notice as a sealed document of the
// city's financial office.
func (h *Documents) NoticePDF(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	n, err := h.store.NoticeByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	doc, err := NoticeDocument(c.Request().Context(), h.store, n, noticePageURL(c, n.ID))
	if err != nil {
		return err
	}
	return sendLetter(c, doc, "", "整改验收公示-"+n.InstitutionName+".pdf")
}

func noticePageURL(c echo.Context, id int64) string {
	return c.Scheme() + "://" + c.Request().Host + "/notices/" + strconv.FormatInt(id, 10)
}

func sendLetter(c echo.Context, doc models.Document, sealLabel, filename string) error {
	b, err := pdf.Letter(pdf.LetterData{Authority: doc.Authority, SealLabel: sealLabel, Number: doc.Number, Title: doc.Title,
		Addressee: doc.Addressee, Body: doc.Body, Date: doc.Date.Start()})
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+urlPathEscape(filename))
	hd.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", b)
}
