package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// FilingNoticeRow is one setting of a province's notice date (the record of changes).
type FilingNoticeRow struct {
	ID         int64
	NoticeDate models.Date
	Reason     string
	SetByName  string
	SetAt      time.Time
}

// SetFilingNoticeDate records the notice date (通知印发之日) from which the periods of
// seeds/001 二 run in the officer's own province: 6 months for paid-in capital, 12 for the
// existing business's reserve and compensation, 18 for a single-province platform's
// cross-province business. A change of an existing date needs its reason. One
// transaction: the province's division row is locked, the new row written (the old ones
// stay), the act audited and the province's platform accounts notified.
func (s *Store) SetFilingNoticeDate(ctx context.Context, a Actor, notice models.Date, reason string) error {
	u := a.User
	if u == nil || u.DivisionID == nil || u.Role != models.RoleProvince {
		return models.Errorf(models.EForbidden, "只有省级金融工作部门可以设定备案试点通知印发日期")
	}
	if err := models.ValidateFilingNotice(notice, models.DateOf(a.Now)); err != nil {
		return models.FieldErrorf("notice_date", models.EInvalid, "%s", models.ErrorMessage(err))
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 500 {
		return models.FieldErrorf("reason", models.EInvalid, "变更原因不超过 500 字")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var id int64
		if err := tx.Raw("SELECT id FROM divisions WHERE id = ? FOR UPDATE", *u.DivisionID).Scan(&id).Error; err != nil {
			return err
		}
		cur, err := filingNoticeDate(tx, *u.DivisionID)
		if err != nil {
			return err
		}
		if !cur.IsZero() && cur == notice {
			return models.FieldErrorf("notice_date", models.EInvalid, "通知印发日期已是 %s，无需变更", notice)
		}
		if !cur.IsZero() && reason == "" {
			return models.FieldErrorf("reason", models.EInvalid, "变更已设定的通知印发日期（%s）须填写变更原因：各项补足期限将随之改变", cur)
		}
		if err := tx.Exec(`INSERT INTO filing_notice_dates (division_id, notice_date, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?)`,
			*u.DivisionID, notice, reason, u.ID, a.Now).Error; err != nil {
			return err
		}
		detail := "通知印发日期 " + notice.String()
		if !cur.IsZero() {
			detail = fmt.Sprintf("通知印发日期 %s → %s：%s", cur, notice, reason)
		}
		if err := audit(tx, a, "filing.notice_date", fmt.Sprintf("division:%d", *u.DivisionID), detail); err != nil {
			return err
		}
		// every platform account of the province hears that its periods run from this date
		var ids []int64
		if err := tx.Raw(`SELECT u.id FROM users u JOIN institutions i ON i.id = u.institution_id
			JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id
			WHERE u.role = 'platform' AND NOT u.disabled AND c.parent_id = ? ORDER BY u.id`, *u.DivisionID).Scan(&ids).Error; err != nil {
			return err
		}
		var body strings.Builder
		body.WriteString("《网络借贷信息中介机构有条件备案试点工作方案》二规定的补足期限自该日起算：")
		for i, r := range models.FilingRemedyDeadlines(notice) {
			if i > 0 {
				body.WriteString("；")
			}
			fmt.Fprintf(&body, "%s %d 个月，至 %s", r.Name, r.Months, r.Due)
		}
		body.WriteString("。")
		for _, id := range ids {
			n := Notification{UserID: id, At: a.Now, Kind: "filing_notice", Title: "备案试点通知印发日期：" + notice.String(), Body: body.String()}
			if err := tx.Create(&n).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// FilingNoticeDate is the province's notice date, zero when it has set none.
func (s *Store) FilingNoticeDate(ctx context.Context, provinceID int64) (models.Date, error) {
	return filingNoticeDate(s.db.WithContext(ctx), provinceID)
}

func filingNoticeDate(db *gorm.DB, provinceID int64) (models.Date, error) {
	var ds []models.Date
	err := db.Raw("SELECT notice_date FROM filing_notice_dates WHERE division_id = ? ORDER BY id DESC LIMIT 1", provinceID).Scan(&ds).Error
	if err != nil || len(ds) == 0 {
		return models.Date{}, err
	}
	return ds[0], nil
}

// FilingNoticeHistory lists the province's settings, newest first.
func (s *Store) FilingNoticeHistory(ctx context.Context, provinceID int64) ([]FilingNoticeRow, error) {
	var rows []FilingNoticeRow
	err := s.db.WithContext(ctx).Raw(`SELECT n.id, n.notice_date, n.reason, COALESCE(NULLIF(u.display_name, ''), u.username) AS set_by_name, n.set_at
		FROM filing_notice_dates n JOIN users u ON u.id = n.set_by WHERE n.division_id = ? ORDER BY n.id DESC`, provinceID).Scan(&rows).Error
	return rows, err
}

// InstitutionFilingNotice is the notice date of the institution's province (district →
// city → province), zero when the province has set none.
func (s *Store) InstitutionFilingNotice(ctx context.Context, institutionID int64) (models.Date, error) {
	var ds []models.Date
	err := s.db.WithContext(ctx).Raw(`SELECT n.notice_date FROM institutions i
		JOIN divisions d ON d.id = i.district_id
		JOIN divisions c ON c.id = d.parent_id
		JOIN filing_notice_dates n ON n.division_id = c.parent_id
		WHERE i.id = ? ORDER BY n.id DESC LIMIT 1`, institutionID).Scan(&ds).Error
	if err != nil || len(ds) == 0 {
		return models.Date{}, err
	}
	return ds[0], nil
}
