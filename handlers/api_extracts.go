package handlers

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

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

// generate writes the day's four files from keyset batches of 1,000 rows, each row
// going at once to its JSON Lines file and its workbook's stream writer, so no file and
// no list of rows is ever held whole: each file is written to a temporary file in the
// day's folder and hashed as it is written, then signed and renamed; the manifest is
// written last.
func (x *Extracts) generate(ctx context.Context, day models.Date, now time.Time) (*ExtractManifest, error) {
	dir := filepath.Join(x.dir, day.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	out := map[string]*extractOut{}
	defer func() {
		for _, o := range out {
			o.discard()
		}
	}()
	for _, name := range ExtractFiles {
		o, err := newExtractOut(dir, name)
		if err != nil {
			return nil, err
		}
		out[name] = o
	}
	regHead := []string{"统一社会信用代码", "机构名称", "所在区", "备案编号", "备案日期", "存管银行", "网站", "合格证明编号", "状态", "撤销日期", "撤销原因"}
	noticeHead := []string{"公示编号", "机构名称", "统一社会信用代码", "所在区", "所在市", "公示开始", "公示结束", "公示天数", "状态", "撤销日期", "撤销原因"}
	regX, err := NewXLSX("备案名录", extractColumns(regHead))
	if err != nil {
		return nil, err
	}
	defer regX.Close()
	noticeX, err := NewXLSX("公示公告", extractColumns(noticeHead))
	if err != nil {
		return nil, err
	}
	defer noticeX.Close()
	records := map[string]int{}

	noticeJ := json.NewEncoder(out["notices.jsonl"].w)
	for after := int64(0); ; {
		rows, err := x.store.APINotices(ctx, store.APINoticeFilter{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			if i >= 1000 {
				break
			}
			n := apiNotice(r)
			if err := noticeJ.Encode(n); err != nil {
				return nil, err
			}
			if err := noticeX.Row(fmt.Sprint(n.ID), n.Institution, n.USCC, n.District, n.City, n.StartDate, n.EndDate, fmt.Sprint(n.Days),
				n.Status, deref(n.RevokedOn), n.RevokedReason); err != nil {
				return nil, err
			}
			records["notices"]++
		}
		if len(rows) <= 1000 {
			break
		}
		after = rows[999].ID
	}
	regJ := json.NewEncoder(out["register.jsonl"].w)
	for after := int64(0); ; {
		rows, err := x.store.APIRegister(ctx, store.APIRegisterFilter{Status: models.RegisterAll, After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			if i >= 1000 {
				break
			}
			e := apiRegisterEntry(r)
			if err := regJ.Encode(e); err != nil {
				return nil, err
			}
			if err := regX.Row(e.USCC, e.Name, e.District, e.FilingNumber, e.FilingDate, e.CustodyBank, e.Website, e.Certificate, e.Status,
				deref(e.RevokedOn), e.RevokedReason); err != nil {
				return nil, err
			}
			records["register"]++
		}
		if len(rows) <= 1000 {
			break
		}
		after = rows[999].FilingID
	}
	if err := regX.WriteFile(out["register.xlsx"].w); err != nil {
		return nil, err
	}
	if err := noticeX.WriteFile(out["notices.xlsx"].w); err != nil {
		return nil, err
	}
	m := &ExtractManifest{Date: day.String(), GeneratedAt: now.UTC().Format(time.RFC3339), Records: records,
		Signing: "SM2-SM3 签名，签名内容为 {\"v\":1,\"kind\":\"extract\",\"ref\":文件名,\"date\":日期,\"sha256\":文件SHA-256} 的紧凑 JSON；公钥见 /verify/keys.json"}
	for _, name := range ExtractFiles {
		o := out[name]
		size, hexSum, err := o.finish()
		if err != nil {
			return nil, err
		}
		kid, sig, err := x.keys.Sign(models.DocumentSignedContent("extract", name, day, hexSum))
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, ExtractFile{Name: name, Size: size, SHA256: hexSum, KeyID: kid,
			Signature: models.EncodeSignature(sig), URL: "/api/v1/extracts/" + day.String() + "/" + name})
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	return m, os.WriteFile(filepath.Join(dir, "manifest.json"), mb, 0o644) // written last: a day is complete when it has one
}

// extractColumns are a sheet's columns, 22 characters wide.
func extractColumns(head []string) []XLSXColumn {
	cols := make([]XLSXColumn, len(head))
	for i, h := range head {
		cols[i] = XLSXColumn{Header: h, Width: 22}
	}
	return cols
}

// extractOut is one file of an extract being written: a temporary file beside its
// final name, hashed as it is written.
type extractOut struct {
	f    *os.File
	buf  *bufio.Writer
	sum  hash.Hash
	n    int64
	path string
	w    io.Writer
}

func newExtractOut(dir, name string) (*extractOut, error) {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return nil, err
	}
	o := &extractOut{f: f, sum: sha256.New(), path: filepath.Join(dir, name)}
	o.buf = bufio.NewWriterSize(f, 64<<10)
	o.w = writerFunc(func(p []byte) (int, error) {
		o.sum.Write(p)
		o.n += int64(len(p))
		return o.buf.Write(p)
	})
	return o, nil
}

// finish flushes, syncs and renames the file into place, and returns its size and hash.
func (o *extractOut) finish() (int64, string, error) {
	if err := o.buf.Flush(); err != nil {
		return 0, "", err
	}
	if err := o.f.Sync(); err != nil {
		return 0, "", err
	}
	if err := o.f.Chmod(0o644); err != nil {
		return 0, "", err
	}
	if err := o.f.Close(); err != nil {
		return 0, "", err
	}
	if err := os.Rename(o.f.Name(), o.path); err != nil {
		return 0, "", err
	}
	o.f = nil
	return o.n, hex.EncodeToString(o.sum.Sum(nil)), nil
}

// discard removes the temporary file of an extract that was not finished.
func (o *extractOut) discard() {
	if o.f != nil {
		o.f.Close()
		os.Remove(o.f.Name())
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
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
