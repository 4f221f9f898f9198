package pdf

import (
	"os"
	"os/exec"
	"path/filepath"
	"portal/models"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testOnce     sync.Once
	testRenderer *Renderer
	testErr      error
)

// renderer returns one shared renderer (fonts parsed once for all tests).
// A missing font fails the test: the Makefile installs it.
func renderer(t testing.TB) *Renderer {
	t.Helper()
	testOnce.Do(func() { testRenderer, testErr = NewRenderer(DefaultFontPath, FallbackFontPath) })
	if testErr != nil {
		t.Fatalf("fonts: %v", testErr)
	}
	return testRenderer
}

func cst(y, m, d int) time.Time {
	return time.Date(y, time.Month(m), d, 10, 30, 0, 0, models.ChinaTime)
}

// longName has 61 characters, several outside GB2312 (堃, 喆, 珺).
const longName = "上海堃喆珺璟互联网金融信息服务股份有限公司（原名：上海浦东新区陆家嘴网络借贷信息中介服务有限责任公司）浦东第二分公司营业部"

func sampleCert() CertificateData {
	return CertificateData{
		Serial:    "沪-2026-000123",
		Name:      longName,
		USCC:      "91310115MA1K4XYW34",
		PlanName:  "上海市网络借贷信息中介机构整改验收工作方案",
		IssueDate: cst(2026, 11, 22),
		Authorities: [2]Authority{
			{Name: "上海市地方金融监督管理局", SealLabel: "整改验收专用章", Signer: "王建国"},
			{Name: "中国银保监会上海监管局", SealLabel: "整改验收专用章", Signer: "李明华"},
		},
		VerifyURL:   "http://127.0.0.1:8080/verify/沪-2026-000123",
		Fingerprint: "7ae814e7b196b0b7c60250ed62c7f59c255596bf9f856f9afb51913d0e57aa45",
	}
}

const longOpinion = "经现场核查，该机构已按照整改通知书要求完成整改：一是存量业务规模持续压降，借款余额较上年末下降37.5%；" +
	"二是已与通过测评的银行业金融机构开展资金存管合作，出借人与借款人资金均在存管账户中运行；" +
	"三是网站及APP信息披露完整、客观、及时，未发现虚假宣传和误导性宣传；" +
	"四是抽查借贷合同120份，未发现期限拆分、设立资金池、自融或承诺保本保息等违规情形。" +
	"核查中发现该机构2025年第三季度存在2笔逾期项目未及时披露，已责令整改并于2026年9月30日前完成补充披露。" +
	"综上，同意该机构报送市整治办进行整改验收。"

func sampleCheck() OnSiteCheck {
	return OnSiteCheck{
		Date:         cst(2026, 9, 15),
		Participants: "张伟（区金融办）、刘洋（区市场监管局）、陈静（上海中正律师事务所律师）、赵磊（立信会计师事务所注册会计师）",
		Methods:      []string{"核查账务系统", "资金流水", "项目真实性", "抽查借贷合同", "暗访线下营销和宣传"},
		Findings:     "账务系统与存管银行流水一致；抽查项目120个，借款人身份及借款用途真实；线下暗访2处营业网点，未发现违规营销。",
	}
}

func sampleSign() SignOff {
	return SignOff{Officer: "张伟", Authority: Authority{Name: "上海市黄浦区金融工作办公室"}, Date: cst(2026, 10, 12)}
}

func sampleInst() Institution {
	return Institution{Name: longName, USCC: "91310115MA1K4XYW34", District: "黄浦区"}
}

func sampleOpinion() OpinionData {
	return OpinionData{Institution: sampleInst(), ApplicationDate: cst(2026, 8, 30), OutstandingFen: 85_612_345_678,
		Check: sampleCheck(), Passed: true, Opinion: longOpinion, Sign: sampleSign()}
}

func sampleCheckData() CheckData {
	return CheckData{Institution: sampleInst(), Check: sampleCheck(), Confirmed: true,
		ThirdParties: "上海中正律师事务所；立信会计师事务所（特殊普通合伙）",
		Conclusion:   "经区互联网金融风险专项整治工作领导小组同意，报送市整治办进行整改验收。", Sign: sampleSign()}
}

// pdfText writes b to a temp file and returns `pdftotext -layout` output.
// pdftotext (poppler-utils) is required: without it the test fails.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext not found (install poppler-utils): %v", err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// squeeze removes all white space, so text wrapped over lines compares whole.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// savePDF keeps a copy under $PDF_SAMPLES (e.g. /tmp/pdf-samples) for looking at.
func savePDF(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("PDF_SAMPLES"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
