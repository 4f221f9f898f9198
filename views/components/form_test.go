package components

import "testing"

func TestExternalURLAllowsOnlyWebAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.example.cn/notice": "https://www.example.cn/notice",
		"www.example.cn":                "http://www.example.cn",
		"javascript:alert(1)":           "#",
		"JavaScript://%0aalert(1)":      "#",
		"data:text/html,x":              "#",
		"ftp://example.cn":              "#",
		"":                              "#",
	} {
		if got := string(ExternalURL(in)); got != want {
			t.Errorf("ExternalURL(%q) = %q; want %q", in, got, want)
		}
	}
}
