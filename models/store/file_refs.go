package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"
)

// FileReferences returns every file hash a row refers to, for the file-store sweeper
// (which removes only files older than its grace period that are not in this set). It
// finds the columns itself: every text column of the schema whose name contains
// "sha256" (material_files.sha256, self_assessment_answers.evidence_sha256,
// review_files.sha256, public_files.sha256, and any added later), plus the hashes in
// the decision chain's attachments ("sha256 name" lines). A hash that names no file costs
// nothing; a column missed would cost a file, so the search errs on the side of keeping.
func (s *Store) FileReferences(ctx context.Context) (map[string]bool, error) {
	return fileReferences(s.db.WithContext(ctx))
}

func fileReferences(db *gorm.DB) (map[string]bool, error) {
	var cols []struct{ TableName, ColumnName string }
	err := db.Raw(`SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() AND c.column_name LIKE '%sha256%'
		  AND c.data_type IN ('text', 'character', 'character varying')
		ORDER BY 1, 2`).Scan(&cols).Error
	if err != nil {
		return nil, err
	}
	refs := map[string]bool{}
	for _, col := range cols {
		var sums []string
		q := fmt.Sprintf(`SELECT DISTINCT lower(trim(%s)) FROM %s WHERE %s IS NOT NULL`, quoteIdent(col.ColumnName), quoteIdent(col.TableName), quoteIdent(col.ColumnName))
		if err := db.Raw(q).Scan(&sums).Error; err != nil {
			return nil, err
		}
		for _, s := range sums {
			if len(s) == 64 && hashInText.MatchString(s) { // '' (no file, a column's default) names nothing
				refs[s] = true
			}
		}
	}
	var lists []string
	if err := db.Raw(`SELECT attachments FROM decisions WHERE attachments <> ''`).Scan(&lists).Error; err != nil {
		return nil, err
	}
	for _, l := range lists {
		for _, sum := range hashInText.FindAllString(strings.ToLower(l), -1) {
			refs[sum] = true
		}
	}
	return refs, nil
}

var hashInText = regexp.MustCompile(`[0-9a-f]{64}`)

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
