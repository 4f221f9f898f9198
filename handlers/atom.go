package handlers

import (
	"encoding/xml"
	"net/http"

	"github.com/labstack/echo/v4"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	XMLNS   string      `xml:"xmlns,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Link    []atomLink  `xml:"link"`
	Updated string      `xml:"updated"`
	Author  string      `xml:"author>name"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Link      atomLink `xml:"link"`
	Updated   string   `xml:"updated"`
	Published string   `xml:"published"`
	Summary   string   `xml:"summary"`
}

func writeAtom(c echo.Context, f atomFeed) error {
	if f.Author == "" {
		f.Author = "网贷机构整改验收工作小组"
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), b...))
}
