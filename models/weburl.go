package models

import "net/url"

// MaxWebURLLen is the longest web address the portal records.
const MaxWebURLLen = 500

// WebURL checks that s is a web page's address, http or https with a host, and returns it
// as the URL parser writes it. It is the one rule for addresses users type: links to a
// platform's website and the notice mirror pages.
func WebURL(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

// ValidateWebURL checks an address a user typed to be recorded (a notice's mirror page):
// a web page's address (WebURL) no longer than MaxWebURLLen.
func ValidateWebURL(s string) error {
	if _, ok := WebURL(s); !ok || len(s) > MaxWebURLLen {
		return Errorf(EInvalid, "请填写以 http:// 或 https:// 开头的完整网址（不超过 %d 个字符），例如 https://www.example.com/notice", MaxWebURLLen)
	}
	return nil
}
