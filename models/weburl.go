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
