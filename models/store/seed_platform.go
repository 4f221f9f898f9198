package store

import (
	"gorm.io/gorm"

	"portal/models"
)

// demoWindow is 广州市's application window in the demo: wide around the present, so the
// demo accounts (and tests, whose clock starts on 2026-11-23) can submit.
var demoWindow = struct{ city, start, end string }{"440100", "2026-01-01", "2027-12-31"}

// seedPlatform opens the demo window and fills the files of platform2's and platform3's
// institutions, so they can apply at once; platform1's file is left for its user to fill.
// Like SeedDemo it never overwrites what exists.
func seedPlatform(tx *gorm.DB) error {
	err := tx.Exec(`INSERT INTO application_windows (city_id, start_date, end_date, updated_at)
		SELECT id, ?, ?, now() FROM divisions WHERE code = ? ON CONFLICT (city_id) DO NOTHING`,
		demoWindow.start, demoWindow.end, demoWindow.city).Error
	if err != nil {
		return err
	}
	// the campaign's end date officers see ("6月底前完成", seeds/004 plan 1 四)
	err = tx.Exec(`INSERT INTO city_settings (city_id, notice_days, campaign_end)
		SELECT id, 14, '2027-06-30' FROM divisions WHERE code = ?
		ON CONFLICT (city_id) DO UPDATE SET campaign_end = COALESCE(city_settings.campaign_end, EXCLUDED.campaign_end)`, demoWindow.city).Error
	if err != nil {
		return err
	}
	for uscc, f := range demoFiles() {
		var cur models.InstitutionFile
		if err := tx.Where("uscc = ?", uscc).First(&cur).Error; err != nil {
			return err
		}
		if cur.LegalRepresentative != "" { // filled already, by the seed or a user
			continue
		}
		f.Name, f.USCC, f.OutstandingBalance = cur.Name, cur.USCC, cur.OutstandingBalance
		if err := tx.Model(&models.InstitutionFile{ID: cur.ID}).Select("*").Omit("id", "district_id").Updates(&f).Error; err != nil {
			return err
		}
		if err := replaceRows(tx, cur.ID, &f); err != nil {
			return err
		}
	}
	return nil
}

func demoFiles() map[string]models.InstitutionFile {
	base := func(addr, rep, phone string, capital models.Money) models.InstitutionFile {
		return models.InstitutionFile{RegisteredCapital: capital, PaidInCapital: capital, RegisteredAddress: addr, BusinessAddresses: addr,
			FoundedOn: models.NewDate(2014, 6, 18), BusinessStatus: "open", LegalRepresentative: rep, ContactPhone: phone, ComplaintPhone: phone,
			BusinessScope: "网络借贷信息中介服务；互联网信息服务；计算机软件开发", TelecomLicence: "粤B2-20160123", CustodyBank: "广州示例银行股份有限公司",
			PSBFilingNumber: "44010602000123", P2PStartedOn: models.NewDate(2015, 3, 2), RectificationFromStart: "yes",
			OperatingClass: string(models.ClassSingleProvince), CompensationRatio: 3 * models.Percent, Classification: "rectifying"}
	}
	yuexiu := base("广州市越秀区示例大道 88 号", "李明", "020-83330001", 60_000_000*models.OneYuan)
	yuexiu.RiskReserve = 1_500_000 * models.OneYuan
	yuexiu.Shareholders = []models.Shareholder{{Name: "李明", Kind: "natural", Share: 70 * models.Percent},
		{Name: "广州越秀示例投资有限公司", Kind: "legal", Share: 30 * models.Percent, YearsOperating: 9, ProfitableYears: 4,
			NetAssets: 300_000_000 * models.OneYuan, TotalAssets: 700_000_000 * models.OneYuan, EquityInvestments: 90_000_000 * models.OneYuan, DomesticNonFinancial: "yes"}}
	yuexiu.People = []models.Person{{Name: "李明", Role: "director", Title: "董事长"}, {Name: "陈静", Role: "supervisor", Title: "监事"},
		{Name: "王强", Role: "executive", Title: "总经理"}}
	yuexiu.Channels = []models.Channel{{Kind: "website", Name: "越秀示例贷", Address: "www.yuexiu-demo.example.cn", IP: "203.0.113.20"}}

	large := base("广州市天河区珠江新城示例路 100 号", "赵伟", "020-38880002", 600_000_000*models.OneYuan)
	large.OperatingClass = string(models.ClassNational)
	large.RiskReserve = 40_000_000 * models.OneYuan
	large.CompensationRatio = 6 * models.Percent
	large.Shareholders = []models.Shareholder{{Name: "广州示例金融控股集团有限公司", Kind: "legal", Share: 80 * models.Percent, YearsOperating: 12,
		ProfitableYears: 5, NetAssets: 2_000_000_000 * models.OneYuan, TotalAssets: 5_000_000_000 * models.OneYuan,
		EquityInvestments: 800_000_000 * models.OneYuan, DomesticNonFinancial: "yes"}, {Name: "赵伟", Kind: "natural", Share: 20 * models.Percent}}
	large.People = []models.Person{{Name: "赵伟", Role: "director", Title: "董事长"}, {Name: "孙丽", Role: "executive", Title: "首席风险官"}}
	large.Branches = []models.Branch{{Name: "广州天河大型示例网络借贷信息中介服务股份有限公司深圳分公司", Address: "深圳市南山区示例街 8 号",
		FoundedOn: models.NewDate(2016, 9, 1), Head: "周敏", Phone: "0755-86660003", ComplaintPhone: "400-820-8820", StaffFormal: 42, StaffDispatched: 5}}
	large.Channels = []models.Channel{{Kind: "website", Name: "天河大型示例贷", Address: "www.tianhe-large.example.cn", IP: "203.0.113.30"},
		{Kind: "app", Name: "天河示例贷 APP", Address: "应用商店：天河示例贷"}}
	return map[string]models.InstitutionFile{"91440104MA5CXK3D4K": yuexiu, "91440106MA9UQ7E8FX": large}
}
