package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/platform"
)

// InstitutionFileStore is what the institution file pages need of the store.
type InstitutionFileStore interface {
	InstitutionFile(ctx context.Context, u *models.User, institutionID int64) (*models.InstitutionFile, error)
	SaveInstitutionFile(ctx context.Context, a store.Actor, institutionID int64, f models.InstitutionFile) ([]models.FileChange, error)
	FileHistory(ctx context.Context, u *models.User, institutionID int64, p models.Page) ([]store.FileChangeRecord, int64, error)
	FileLock(ctx context.Context, institutionID int64) (string, error)
	Division(ctx context.Context, id int64) (*models.Division, error)
	CustodyBanks(ctx context.Context) ([]models.CustodyBank, error)
}

// MyFile shows the platform's own file.
func (h *Platform) MyFile(c echo.Context) error {
	return h.showFile(c, *CurrentUser(c).InstitutionID, "/platform/file/edit", "/platform/file/history")
}

// OfficerFile shows an institution's file to an officer of its jurisdiction.
func (h *Platform) OfficerFile(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.showFile(c, id, "", urls.InstitutionFileHistory(id))
}

func (h *Platform) showFile(c echo.Context, id int64, editURL, historyURL string) error {
	ctx := c.Request().Context()
	f, err := h.store.InstitutionFile(ctx, CurrentUser(c), id)
	if err != nil {
		return err
	}
	d, err := h.store.Division(ctx, f.DistrictID)
	if err != nil {
		return err
	}
	lock, err := h.store.FileLock(ctx, id)
	if err != nil {
		return err
	}
	p := platform.FileViewPage{Title: "机构档案（一户一档）", Institution: f.Name, USCC: f.USCC, District: d.Name,
		Lock: lock, EditURL: editURL, HistoryURL: historyURL}
	if recs, _, err := h.store.FileHistory(ctx, CurrentUser(c), id, models.Page{Size: 1}); err == nil && len(recs) > 0 {
		p.Updated = models.DateTimeCN(recs[0].At) + " · " + recs[0].ActorName
	}
	display := models.FileDisplay(*f)
	parts := partDisplays(f)
	for _, b := range fileLayout() {
		if b.part == "" {
			p.Blocks = append(p.Blocks, platform.ViewBlock{Title: b.title, Items: display[b.section]})
		} else {
			pd := parts[b.part]
			p.Blocks = append(p.Blocks, platform.ViewBlock{Title: b.title, IsTable: true, Headers: pd.Headers, Rows: pd.Rows})
		}
	}
	errs := models.ValidateFile(*f, models.DateOf(h.now()))
	for _, spec := range models.ScalarInfo() {
		if errs[spec.Name] != "" {
			p.Missing = append(p.Missing, spec.Label)
		}
	}
	cs, cerr := models.EvaluateFilingConditions(f.FilingFacts())
	p.Conditions = cs
	if cerr != nil {
		p.CondErr = models.ErrorMessage(cerr)
	}
	return Render(c, http.StatusOK, platform.FileView(p))
}

func partDisplays(f *models.InstitutionFile) map[string]models.PartDisplay {
	out := map[string]models.PartDisplay{}
	for _, p := range models.FileParts {
		out[p.Info().Key] = p.Display(f)
	}
	return out
}

// layoutBlock is a section of scalar fields or a repeated part, in page order.
type layoutBlock struct{ title, section, part string }

// fileLayout orders the file's sections and repeated parts as the disclosure guideline
// lists them (seeds/003 attachment 2.1–2.2).
func fileLayout() []layoutBlock {
	return []layoutBlock{
		{title: models.SectionRegistration, section: models.SectionRegistration},
		{title: models.ShareholderPart.Title, part: models.ShareholderPart.Key},
		{title: models.SectionOwnership, section: models.SectionOwnership},
		{title: models.PersonPart.Title, part: models.PersonPart.Key},
		{title: models.BranchPart.Title, part: models.BranchPart.Key},
		{title: models.ChannelPart.Title, part: models.ChannelPart.Key},
		{title: models.SectionFiling, section: models.SectionFiling},
		{title: models.SectionBusiness, section: models.SectionBusiness},
	}
}

// EditFile shows the file form filled from the stored file.
func (h *Platform) EditFile(c echo.Context) error {
	u := CurrentUser(c)
	f, err := h.store.InstitutionFile(c.Request().Context(), u, *u.InstitutionID)
	if err != nil {
		return err
	}
	return h.renderFileForm(c, http.StatusOK, models.FileFormOf(*f), nil, "")
}

// fileForm is the button of the institution file's form that was pressed: op is
// add:<part> or remove:<part>:<row>, empty for 保存档案.
type fileForm struct {
	Op string `form:"op"`
}

// SaveFile handles the form's buttons: 增加/删除 a row re-renders the form with what was
// typed (nothing saved, no JavaScript needed); 保存 validates and saves.
func (h *Platform) SaveFile(c echo.Context) error {
	u := CurrentUser(c)
	var sent fileForm
	if err := bindForm(c, &sent); err != nil {
		return err
	}
	// the file's fields are named by part and row (models.FileFormFrom reads them all)
	form := models.FileFormFrom(c.Request().Form)
	if kind, rest, ok := strings.Cut(sent.Op, ":"); ok {
		part, idx, _ := strings.Cut(rest, ":")
		p, known := models.PartByKey(part)
		if !known {
			return models.Errorf(models.EInvalid, "未知的操作")
		}
		label := p.Info().Label
		notice := fmt.Sprintf("已增加一行%s，填写后请点击「保存档案」。", label)
		if kind == "add" {
			form.AddRow(part)
		} else {
			i, _ := strconv.Atoi(idx)
			form.RemoveRow(part, i)
			notice = fmt.Sprintf("已删除一行%s，点击「保存档案」后生效。", label)
		}
		return h.renderFileForm(c, http.StatusOK, form, nil, notice)
	}
	f, ferrs := models.ParseFileForm(form, models.DateOf(h.now()))
	if len(ferrs) > 0 {
		return h.renderFileForm(c, http.StatusUnprocessableEntity, form, ferrs, "")
	}
	changes, err := h.store.SaveInstitutionFile(c.Request().Context(), actor(c, h.now), *u.InstitutionID, f)
	if err != nil {
		if field, ok := models.ErrorField(err); ok {
			return h.renderFileForm(c, http.StatusUnprocessableEntity, form, models.FileErrors{field: models.ErrorMessage(err)}, "")
		}
		if status, msg, ok := refused(err, models.EConflict); ok {
			return h.renderFileForm(c, status, form, models.FileErrors{"_form": msg}, "")
		}
		return err
	}
	msg := "档案未作修改"
	if len(changes) > 0 {
		msg = fmt.Sprintf("档案已保存，修改了 %d 项，已记入变更记录", len(changes))
	}
	return redirectWithFlash(c, h.sessions, "/platform/file", msg)
}

func (h *Platform) renderFileForm(c echo.Context, status int, form models.FileForm, ferrs models.FileErrors, notice string) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f, err := h.store.InstitutionFile(ctx, u, *u.InstitutionID)
	if err != nil {
		return err
	}
	d, err := h.store.Division(ctx, f.DistrictID)
	if err != nil {
		return err
	}
	lock, err := h.store.FileLock(ctx, *u.InstitutionID)
	if err != nil {
		return err
	}
	p := platform.FileFormPage{Institution: f.Name, District: d.Name, Errors: components.FieldErrors(ferrs), Notice: notice, Lock: lock}
	banks, err := h.store.CustodyBanks(ctx)
	if err != nil {
		return err
	}
	var evaluated []string // the custody bank is typed, with the evaluated banks offered (issue 12 §3)
	for _, b := range banks {
		if b.Evaluated {
			evaluated = append(evaluated, b.Name)
		}
	}
	scalars := models.ScalarInfo()
	for _, b := range fileLayout() {
		if b.part == "" {
			blk := platform.FormBlock{Title: b.title}
			for _, fi := range scalars {
				if sectionOf(fi.Name) == b.section {
					in := formInput(fi, fi.Name, fi.Name, form, ferrs)
					if fi.Name == "custody_bank" {
						in.Suggestions = evaluated
						in.Hint = "银行全称；可从已通过网贷资金存管业务测评的银行名录中选择。名录外或未通过测评的银行触及自评第 6 项底线"
					}
					blk.Inputs = append(blk.Inputs, in)
				}
			}
			p.Blocks = append(p.Blocks, blk)
			continue
		}
		part, _ := models.PartByKey(b.part)
		info := part.Info()
		blk := platform.FormBlock{Title: b.title, Part: info.Key, Label: info.Label, Error: ferrs[info.Key], CanAdd: form.Counts[info.Key] < models.MaxRows}
		for i := 0; i < form.Counts[info.Key]; i++ {
			row := platform.FormRow{Index: i}
			for _, fi := range info.Fields {
				name := models.RowFieldName(info.Key, i, fi.Name)
				row.Inputs = append(row.Inputs, formInput(fi, name, fmt.Sprintf("%s-%d-%s", info.Key, i, fi.Name), form, ferrs))
			}
			blk.Rows = append(blk.Rows, row)
		}
		p.Blocks = append(p.Blocks, blk)
	}
	return Render(c, status, platform.FileForm(p))
}

func sectionOf(name string) string {
	for _, s := range models.FileFields {
		if s.Name == name {
			return s.Section
		}
	}
	return ""
}

func formInput(fi models.FieldInfo, name, id string, form models.FileForm, ferrs models.FileErrors) platform.Input {
	in := platform.Input{ID: "f-" + id, Name: name, Label: fi.Label, Hint: fi.Hint, Kind: fi.Kind, Value: form.Get(name),
		Error: ferrs[name], Required: fi.Required}
	if fi.Kind == models.KindChoice {
		in.Options = []components.Option{{Value: "", Label: "请选择"}}
		for _, ch := range fi.Choices {
			in.Options = append(in.Options, components.Option{Value: ch.Value, Label: ch.Label})
		}
	}
	return in
}

// MyFileHistory lists the changes of the platform's own file.
func (h *Platform) MyFileHistory(c echo.Context) error {
	return h.fileHistory(c, *CurrentUser(c).InstitutionID, "/platform/file")
}

// OfficerFileHistory lists the changes of an institution's file for an officer.
func (h *Platform) OfficerFileHistory(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.fileHistory(c, id, urls.InstitutionFile(id))
}

func (h *Platform) fileHistory(c echo.Context, id int64, back string) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	f, err := h.store.InstitutionFile(ctx, u, id)
	if err != nil {
		return err
	}
	pg := pageFrom(c)
	recs, total, err := h.store.FileHistory(ctx, u, id, pg)
	if err != nil {
		return err
	}
	p := platform.HistoryPage{Institution: f.Name, BackURL: back, Pager: pager(c, pg, total)}
	for _, r := range recs {
		ch := platform.HistoryChange{At: models.DateTimeCN(r.At), Actor: r.ActorName}
		for _, fd := range r.Fields {
			ch.Fields = append(ch.Fields, platform.HistoryField{Field: fd.Field, Old: fd.OldValue, New: fd.NewValue})
		}
		p.Changes = append(p.Changes, ch)
	}
	return Render(c, http.StatusOK, platform.History(p))
}
