package models

import (
	"bytes"
	"testing"
)

// The template the portal writes reads back into the values that were put in it, period
// and every item, through the same parse as the form.
func TestMonthlyTemplateRoundTrip(t *testing.T) {
	p := Period{2026, 10}
	want := map[string]string{}
	for i, it := range MonthlyItems {
		want[it.Key] = []string{"123456.78", "42", "8.5", "收费标准文本"}[i%4]
		switch it.Kind {
		case FigureAmount:
			want[it.Key] = "123456.78"
		case FigureCount:
			want[it.Key] = "42"
		case FigureShare:
			want[it.Key] = "8.5"
		case FigureText:
			want[it.Key] = "借款人服务费 1%"
		}
	}
	f, err := MonthlyTemplate("示例机构", p, want)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ParseMonthlyTemplate(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got["period"] != "2026-10" {
		t.Fatalf("period %q", got["period"])
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	figs, errs := ParseMonthlyFigures(got)
	if len(errs) > 0 || figs.Balance != 12345678 || figs.Top10Share != 850 || figs.CumulativeCount != 42 {
		t.Fatalf("parsed %+v %v", figs, errs)
	}
	if _, err := ParseMonthlyTemplate(bytes.NewReader([]byte("PK\x03\x04 not a workbook"))); ErrorCode(err) != EInvalid {
		t.Fatalf("garbage: %v", err)
	}
}

// FuzzParseMonthlyTemplate: whatever bytes arrive as an upload, the parser answers values
// or a coded refusal, never a panic; seeded with a real generated template.
func FuzzParseMonthlyTemplate(f *testing.F) {
	tmpl, err := MonthlyTemplate("示例机构", Period{2026, 10}, map[string]string{"balance": "100", "fee_schedule": "x"})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := tmpl.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := ParseMonthlyTemplate(bytes.NewReader(b))
		if err != nil {
			if ErrorCode(err) != EInvalid {
				t.Fatalf("uncoded error: %v", err)
			}
			return
		}
		ParseMonthlyFigures(vals) // must not panic either
	})
}
