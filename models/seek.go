package models

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// Seek is where a long list is read from (issue 15): a numbered page near the start
// (read with OFFSET, bounded by MaxNumberedPages so its cost is bounded too), or the
// rows after or before a cursor (the sort key of a row, keyset pagination), or the
// last rows. Deep pages then cost what the first one does, whatever the list's length.
type Seek struct {
	Number        int    // 1-based page number, when no cursor is given
	After, Before string // an encoded cursor (EncodeCursor), at most one of them
	Last          bool   // the last page
	Size          int
}

// CountCap bounds the count under a long list: past it a list says "1000+ 条" instead
// of scanning every row to know the exact number.
const CountCap = 1000

// MaxNumberedPages is how far numbered page links go (CountCap rows); past it the list
// moves by cursor only (下一页, 末页).
const MaxNumberedPages = CountCap / DefaultPageSize

// maxCursorLength bounds a cursor parameter before it is decoded.
const maxCursorLength = 2048

// ParseSeek reads a list's position parameters; anything unreadable is the first page,
// a cursor is checked by the store that knows its columns.
func ParseSeek(page, after, before, last string) Seek {
	s := Seek{Size: DefaultPageSize, After: after, Before: before, Last: last == "1"}
	if s.After != "" || s.Before != "" || s.Last {
		if s.After != "" {
			s.Before, s.Last = "", false
		} else if s.Before != "" {
			s.Last = false
		}
		return s
	}
	n, _ := strconv.Atoi(page)
	if n < 1 {
		n = 1
	}
	if n > MaxPageNumber {
		n = MaxPageNumber
	}
	s.Number = n
	return s
}

// EncodeCursor turns a row's sort key into a URL-safe parameter.
func EncodeCursor(vals []string) string {
	b, _ := json.Marshal(vals)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor back into n values; a hostile or stale one is EInvalid.
func DecodeCursor(s string, n int) ([]string, error) {
	bad := Errorf(EInvalid, "翻页参数无效，请从列表第一页重新开始")
	if len(s) > maxCursorLength {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var vals []string
	if err := json.Unmarshal(b, &vals); err != nil || len(vals) != n {
		return nil, bad
	}
	return vals, nil
}

// PageInfo is what a keyset-paged list tells its pager.
type PageInfo struct {
	Total  int64 // exact, or CountCap when Capped
	Capped bool  // there are more than CountCap rows
	Number int   // the numbered page shown, 0 when reached by cursor
	Last   bool  // the last page was asked for
	// First and LastKey are the cursors of the first and last rows shown, for the
	// 上一页 and 下一页 links; HasPrev and HasNext say whether those pages exist.
	FirstKey, LastKey string
	HasPrev, HasNext  bool
	OutOfRange        bool // a numbered page past the end
}

// Pages is how many numbered pages the counted rows fill (at most MaxNumberedPages
// when the count is capped).
func (p PageInfo) Pages(size int) int {
	return Page{Number: 1, Size: size}.Pages(p.Total)
}
