package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"portal/models"
	"portal/web"
)

// keysCmd is `portal keys init|rotate`: the province's SM2 signing key (issue 14 §2).
func keysCmd(args []string, out io.Writer) error {
	cfg, err := web.ConfigFromEnv()
	if err != nil {
		return err
	}
	if len(args) < 1 {
		return errors.New("用法: portal keys init [省份名称] | portal keys rotate")
	}
	dir := cfg.KeysDir()
	var k *web.Keys
	switch args[0] {
	case "init":
		province := web.DefaultProvince
		if len(args) > 1 {
			province = args[1]
		}
		k, err = web.InitKeys(dir, province, time.Now())
	case "rotate":
		k, err = web.RotateKeys(dir, time.Now())
	default:
		return errors.New("用法: portal keys init [省份名称] | portal keys rotate")
	}
	if err != nil {
		return err
	}
	ring := k.Ring()
	cur, _ := ring.Current()
	fmt.Fprintf(out, "签名密钥已写入 %s（私钥权限 0600）\n当前密钥: %s\n公钥指纹（SM3）: %s\n", dir, cur.ID, cur.Fingerprint)
	for _, old := range ring.Keys {
		if old.ValidTo != "" {
			fmt.Fprintf(out, "已停用: %s（%s 至 %s），仍列于 /verify/keys\n", old.ID, old.ValidFrom, old.ValidTo)
		}
	}
	return nil
}

// errRefused is a verification that ran and failed: exit status 1 with the reason said.
var errRefused = errors.New("核验未通过")

// verifyCert is `portal verify-cert [--keys 文件|网址] [--revocations 文件|网址] <证明.pdf | 二维码内容>`:
// it checks a certificate offline against the published keys and, when given, the signed
// revocation list.
func verifyCert(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("verify-cert", flag.ContinueOnError)
	fs.SetOutput(out)
	keysFrom := fs.String("keys", "", "已公布的公钥列表：文件或网址（/verify/keys.json）；默认为本机密钥目录中的 keyring.json")
	revFrom := fs.String("revocations", "", "签名的撤销列表：文件或网址（/verify/revocations）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("用法: portal verify-cert [--keys 文件|网址] [--revocations 文件|网址] <证明.pdf | 二维码内容>")
	}
	if *keysFrom == "" {
		cfg, err := web.ConfigFromEnv()
		if err != nil {
			return err
		}
		*keysFrom = filepath.Join(cfg.KeysDir(), "keyring.json")
	}
	var ring models.KeyRing
	raw, err := readSource(*keysFrom)
	if err != nil {
		return fmt.Errorf("读取公钥列表: %w", err)
	}
	if err := json.Unmarshal(raw, &ring); err != nil || len(ring.Keys) == 0 {
		return fmt.Errorf("%s 不是公钥列表（/verify/keys.json）", *keysFrom)
	}
	var revoked *models.RevocationList
	if *revFrom != "" {
		raw, err := readSource(*revFrom)
		if err != nil {
			return fmt.Errorf("读取撤销列表: %w", err)
		}
		var l models.RevocationList
		if err := json.Unmarshal(raw, &l); err != nil {
			return fmt.Errorf("%s 不是撤销列表", *revFrom)
		}
		if err := models.VerifyRevocationList(ring, l); err != nil {
			return err
		}
		revoked = &l
		fmt.Fprintf(out, "撤销列表签名有效（%s，%d 条）\n", l.IssuedAt, len(l.Entries))
	}

	arg := fs.Arg(0)
	var (
		cert models.Certificate
		kid  string
		sig  []byte
		text string // the PDF's visible text, when pdftotext is at hand
	)
	if strings.HasSuffix(strings.ToLower(arg), ".pdf") {
		b, err := os.ReadFile(arg)
		if err != nil {
			return err
		}
		tok, err := pdfKeywords(b)
		if err != nil {
			return err
		}
		if strings.HasPrefix(tok, "sm2doc:") {
			return verifyDocument(arg, tok, ring, out)
		}
		if cert, kid, sig, err = models.ParseCertificateToken(tok); err != nil {
			return fmt.Errorf("%w：%s", errRefused, models.ErrorMessage(err))
		}
		if text, err = pdfVisibleText(arg, out); err != nil {
			return err
		}
	} else if cert, kid, sig, err = models.ParseCertificateQR(ring, arg); err != nil {
		return fmt.Errorf("%w：%s", errRefused, models.ErrorMessage(err))
	}
	r := models.VerifyCertificate(ring, cert, kid, sig, revoked)
	if r.OK && text != "" {
		for _, want := range []string{cert.Serial, cert.Name, cert.USCC, models.EncodeSignature(sig)} {
			if !strings.Contains(text, squeeze(want)) {
				r.OK, r.Reason = false, "页面文字与签名内容不符（未找到「"+want+"」）：文件可能被改动"
				break
			}
		}
	}
	fmt.Fprintf(out, "证明编号: %s\n机构名称: %s\n统一社会信用代码: %s\n签发日期: %s\n签发机关: %s、%s\n",
		cert.Serial, cert.Name, cert.USCC, cert.IssueDate, cert.Authority1, cert.Authority2)
	if !r.OK {
		return fmt.Errorf("%w：%s", errRefused, r.Reason)
	}
	fmt.Fprintln(out, "核验通过:", r.Reason)
	if revoked == nil {
		fmt.Fprintln(out, "注意: 未提供撤销列表（--revocations），未核对撤销状态")
	}
	return nil
}

// readSource reads a file, or fetches an http(s) address.
func readSource(src string) ([]byte, error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		cl := &http.Client{Timeout: 20 * time.Second}
		resp, err := cl.Get(src)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s 返回 %s", src, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	}
	return os.ReadFile(src)
}

// pdfKeywords finds the signed token in the PDF's Keywords entry (views/pdf writes it
// as a literal string of base64url characters, which need no escaping).
func pdfKeywords(b []byte) (string, error) {
	key := []byte("/Keywords (sm2") // sm2: a certificate, sm2doc: another document
	i := bytes.Index(b, key)
	if i < 0 {
		return "", fmt.Errorf("%w：文件中没有本系统的电子签名（不是本系统签发的合格证明，或为签名前的旧版本）", errRefused)
	}
	rest := b[i+len("/Keywords ("):]
	j := bytes.IndexByte(rest, ')')
	if j < 0 {
		return "", fmt.Errorf("%w：电子签名不完整", errRefused)
	}
	return string(rest[:j]), nil
}

// pdfVisibleText is the page text without white space, from pdftotext when installed:
// then the printed name, code, serial and signature must be the signed ones.
func pdfVisibleText(path string, out io.Writer) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		fmt.Fprintln(out, "注意: 未安装 pdftotext（poppler-utils），只核验了文件中的签名内容，未核对页面文字")
		return "", nil
	}
	b, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return "", fmt.Errorf("%w：无法读取页面文字，文件可能已损坏或被改动", errRefused)
	}
	return squeeze(string(b)), nil
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// documentKinds names the signed documents other than certificates.
var documentKinds = map[string]string{"opinion": "整改验收申请意见表", "check": "区(县)核查确认表",
	"failure_notice": "整改验收不合格告知书", "public_notice": "整改验收公示"}

// verifyDocument checks a signed opinion, failure notice or public notice: the
// signature over its kind, reference, date and content digest; for the letters, that the
// printed 文号 is the signed one.
func verifyDocument(path, tok string, ring models.KeyRing, out io.Writer) error {
	d, err := models.ParseDocumentToken(tok)
	if err != nil {
		return fmt.Errorf("%w：%s", errRefused, models.ErrorMessage(err))
	}
	fmt.Fprintf(out, "文书: %s\n编号: %s\n日期: %s\n内容摘要（SHA-256）: %s\n", documentKinds[d.Kind], d.Ref, d.Date, d.SHA256)
	r := models.VerifyDocument(ring, d)
	if r.OK && (d.Kind == "failure_notice" || d.Kind == "public_notice") {
		text, err := pdfVisibleText(path, out)
		if err != nil {
			return err
		}
		if text != "" && !strings.Contains(text, squeeze(d.Ref)) {
			r.OK, r.Reason = false, "页面上的文号与签名内容不符：文件可能被改动"
		}
	}
	if !r.OK {
		return fmt.Errorf("%w：%s", errRefused, r.Reason)
	}
	fmt.Fprintln(out, "核验通过:", r.Reason)
	return nil
}
