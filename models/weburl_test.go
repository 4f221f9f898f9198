package models

import "testing"

func TestWebURL(t *testing.T) {
	for in, ok := range map[string]bool{
		"https://www.example.cn/notice": true,
		"http://example.cn":             true,
		"javascript:alert(1)":           false,
		"ftp://example.cn":              false,
		"https://":                      false,
		"www.example.cn":                false,
		"":                              false,
	} {
		if _, got := WebURL(in); got != ok {
			t.Errorf("WebURL(%q) ok = %v, want %v", in, got, ok)
		}
	}
}
