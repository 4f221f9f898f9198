package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/models/store"
)

// Bulk extracts (issue 14 §3, like the FCA register extracts and EDGAR's full index): a
// daily full dump of the register and the notices as JSON Lines and XLSX, each with its
// SHA-256 and an SM2 signature over models.DocumentSignedContent("extract", name, day,
// sha256). Files live under <dir>/<yyyy-mm-dd>/ with a manifest.json.

// ExtractFiles are the files of one day's extract.
var ExtractFiles = []string{"register.jsonl", "register.xlsx", "notices.jsonl", "notices.xlsx"}

// ExtractFile is one file of the manifest.
type ExtractFile struct {
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	KeyID     string `json:"key_id"`
	Signature string `json:"signature"`
	URL       string `json:"url"`
}

// ExtractManifest lists a day's files.
type ExtractManifest struct {
	Date        string         `json:"date"`
	GeneratedAt string         `json:"generated_at"`
	Records     map[string]int `json:"records"`
	Files       []ExtractFile  `json:"files"`
	Signing     string         `json:"signing"`
}

// Extracts generates and serves the bulk files.
type Extracts struct {
	store APIStore
	keys  Keys
	dir   string
	mu    sync.Mutex
}

// NewExtracts keeps the extracts under dir.
func NewExtracts(s APIStore, keys Keys, dir string) *Extracts {
	return &Extracts{store: s, keys: keys, dir: dir}
}

var extractDay = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// Ensure generates the extract of now's day unless it exists. Idempotent: the daily job.
func (x *Extracts) Ensure(ctx context.Context, now time.Time) (*ExtractManifest, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	day := models.DateOf(now)
	if m, err := x.manifest(day.String()); err == nil {
		return m, nil
	}
	return x.generate(ctx, day, now)
}

func (x *Extracts) manifest(day string) (*ExtractManifest, error) {
	b, err := os.ReadFile(filepath.Join(x.dir, day, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m ExtractManifest
	return &m, json.Unmarshal(b, &m)
}

// Latest is the newest manifest on disk, or nil.
func (x *Extracts) Latest() (*ExtractManifest, error) {
	ents, err := os.ReadDir(x.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var days []string
	for _, e := range ents {
		if e.IsDir() && extractDay.MatchString(e.Name()) {
			days = append(days, e.Name())
		}
	}
	slices.Sort(days)
	for i := len(days) - 1; i >= 0; i-- {
		if m, err := x.manifest(days[i]); err == nil {
			return m, nil
		}
	}
	return nil, nil
}

func (x *Extracts) generate(ctx context.Context, day models.Date, now time.Time) (*ExtractManifest, error) {
	var notices []APINotice
	for after := int64(0); ; {
		rows, err := x.store.APINotices(ctx, store.APINoticeFilter{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			if i < 1000 {
				notices = append(notices, apiNotice(r))
			}
		}
		if len(rows) <= 1000 {
			break
		}
		after = rows[999].ID
	}
	var reg []APIRegisterEntry
	for after := int64(0); ; {
		rows, err := x.store.APIRegister(ctx, store.APIRegisterFilter{Status: models.RegisterAll, After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			if i < 1000 {
				reg = append(reg, apiRegisterEntry(r))
			}
		}
		if len(rows) <= 1000 {
			break
		}
		after = rows[999].FilingID
	}
	files := map[string][]byte{}
	var err error
	if files["register.jsonl"], err = jsonLines(reg); err != nil {
		return nil, err
	}
	if files["notices.jsonl"], err = jsonLines(notices); err != nil {
		return nil, err
	}
	regHead := []string{"统一社会信用代码", "机构名称", "所在区", "备案编号", "备案日期", "存管银行", "网站", "合格证明编号", "状态", "撤销日期", "撤销原因"}
	if files["register.xlsx"], err = sheet("备案名录", regHead, len(reg), func(i int) []string {
		e := reg[i]
		return []string{e.USCC, e.Name, e.District, e.FilingNumber, e.FilingDate, e.CustodyBank, e.Website, e.Certificate, e.Status, deref(e.RevokedOn), e.RevokedReason}
	}); err != nil {
		return nil, err
	}
	noticeHead := []string{"公示编号", "机构名称", "统一社会信用代码", "所在区", "所在市", "公示开始", "公示结束", "公示天数", "状态", "撤销日期", "撤销原因"}
	if files["notices.xlsx"], err = sheet("公示公告", noticeHead, len(notices), func(i int) []string {
		n := notices[i]
		return []string{fmt.Sprint(n.ID), n.Institution, n.USCC, n.District, n.City, n.StartDate, n.EndDate, fmt.Sprint(n.Days), n.Status, deref(n.RevokedOn), n.RevokedReason}
	}); err != nil {
		return nil, err
	}
	dir := filepath.Join(x.dir, day.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m := &ExtractManifest{Date: day.String(), GeneratedAt: now.UTC().Format(time.RFC3339),
		Records: map[string]int{"register": len(reg), "notices": len(notices)},
		Signing: "SM2-SM3 签名，签名内容为 {\"v\":1,\"kind\":\"extract\",\"ref\":文件名,\"date\":日期,\"sha256\":文件SHA-256} 的紧凑 JSON；公钥见 /verify/keys.json"}
	for _, name := range ExtractFiles {
		b := files[name]
		sum := sha256.Sum256(b)
		hexSum := hex.EncodeToString(sum[:])
		kid, sig, err := x.keys.Sign(models.DocumentSignedContent("extract", name, day, hexSum))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return nil, err
		}
		m.Files = append(m.Files, ExtractFile{Name: name, Size: int64(len(b)), SHA256: hexSum, KeyID: kid,
			Signature: models.EncodeSignature(sig), URL: "/api/v1/extracts/" + day.String() + "/" + name})
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	return m, os.WriteFile(filepath.Join(dir, "manifest.json"), mb, 0o644) // written last: a day is complete when it has one
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func jsonLines[T any](rows []T) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

func sheet(name string, head []string, n int, row func(int) []string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	put := func(r int, cells []string) error {
		for col, v := range cells {
			cell, _ := excelize.CoordinatesToCellName(col+1, r)
			if err := f.SetCellStr(name, cell, v); err != nil {
				return err
			}
		}
		return nil
	}
	if err := put(1, head); err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		if err := put(i+2, row(i)); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ExtractsIndex is GET /api/v1/extracts: the newest day's manifest, generated on demand
// when none exists yet.
func (h *API) ExtractsIndex(c echo.Context) error {
	m, err := h.extracts.Latest()
	if err != nil {
		return err
	}
	if m == nil {
		if m, err = h.extracts.Ensure(c.Request().Context(), h.now()); err != nil {
			return err
		}
	}
	return writeJSON(c, m)
}

// ExtractFile is GET /api/v1/extracts/{date}/{name}, with its SHA-256 and signature in
// headers too.
func (h *API) ExtractFile(c echo.Context) error {
	day, name := c.Param("date"), c.Param("name")
	if !extractDay.MatchString(day) || !slices.Contains(ExtractFiles, name) {
		return jsonError(c, http.StatusNotFound, "没有该批量数据文件：日期格式为 yyyy-mm-dd，文件为 %v", ExtractFiles)
	}
	m, err := h.extracts.manifest(day)
	if err != nil {
		return jsonError(c, http.StatusNotFound, "%s 没有批量数据文件，请先查询 /api/v1/extracts", day)
	}
	for _, f := range m.Files {
		if f.Name != name {
			continue
		}
		b, err := os.ReadFile(filepath.Join(h.extracts.dir, day, name))
		if err != nil {
			return err
		}
		hd := c.Response().Header()
		hd.Set("ETag", `"`+f.SHA256[:32]+`"`)
		hd.Set("X-Content-SHA256", f.SHA256)
		hd.Set("X-Signature-Key", f.KeyID)
		hd.Set("X-Signature-SM2", f.Signature)
		hd.Set(echo.HeaderContentDisposition, "attachment; filename="+day+"-"+name)
		if ETagMatches(c.Request().Header.Get("If-None-Match"), `"`+f.SHA256[:32]+`"`) {
			return c.NoContent(http.StatusNotModified)
		}
		ct := "application/x-ndjson"
		if filepath.Ext(name) == ".xlsx" {
			ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		return c.Blob(http.StatusOK, ct, b)
	}
	return jsonError(c, http.StatusNotFound, "没有该批量数据文件")
}
