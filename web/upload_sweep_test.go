package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"portal/models/store/files"
	"portal/web/webtest"
)

// Issue 8 §3.3: the scheduled sweep removes a dead upload's temporary file and a stored
// file no row refers to once they are past their grace periods, and keeps every file a
// row refers to, whichever table holds the hash, and every file still young.
func TestSweeperRemovesOnlyStaleAndUnreferencedFiles(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()

	// referenced from material_files (and, once submitted, the decision chain)
	p2 := login(t, env, "platform2")
	app := createApplication(t, p2)
	material := pdfBody(4096, "法律意见书")
	if resp, body := postFile(t, env, p2, materialPath(t, env, app, "legal_opinion"), "法律意见书.pdf", bytes.NewReader(material)); resp == nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("material: %v\n%s", resp, textOf(body))
	}
	// from self_assessment_answers.evidence_sha256
	evidence := pdfBody(3000, "自评佐证")
	if resp, body := postSA(t, env, p2, app, map[string]string{"answer_1": "yes", "explanation_1": "2015 年开始从事网贷业务"},
		map[string][]byte{"evidence_1": evidence}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("self-assessment: %d\n%s", resp.StatusCode, textOf(body))
	}
	// from review_files
	onsite := submitViaStore(t, env, "platform3")
	d1 := signIn(t, env, "district1")
	postDecision(t, d1, onsite, "/district/claim", url.Values{"version": {"0"}}, http.StatusSeeOther)
	paper := pdfBody(5000, "工作底稿")
	if resp, body := postPaper(t, env, d1, onsite, "底稿.pdf", paper); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("working paper: %d\n%s", resp.StatusCode, textOf(body))
	}
	// from public_files
	notice := activeNotice(t, env, platform1InNotice(t, env).ID)
	attachment := pdfBody(2500, "举报证据")
	if resp, _ := postComplaint(t, env, env.Client(t), notice.ID, "13900000000", "证据.pdf", attachment); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complaint: %d", resp.StatusCode)
	}
	// nobody's: a complaint refused for its contact kept its (valid) attachment
	orphan := pdfBody(2600, "无主文件")
	if resp, _ := postComplaint(t, env, env.Client(t), notice.ID, "not a phone", "证据.pdf", orphan); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused complaint: %d", resp.StatusCode)
	}

	// Everything is two days old at the server's clock, but for one young orphan (its
	// row may be on its way) and a temporary file still being written.
	now := env.Clock.Now()
	for _, p := range storedFiles(t, env) {
		if err := os.Chtimes(p, now.Add(-48*time.Hour), now.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	young := pdfBody(2700, "刚上传")
	if _, _, err := env.Web.Files().Put(ctx, bytes.NewReader(young)); err != nil {
		t.Fatal(err)
	}
	youngPath, _ := env.Web.Files().Path(sha(young))
	os.Chtimes(youngPath, now.Add(-time.Hour), now.Add(-time.Hour))
	tmpDir := filepath.Join(env.Web.FilesDir(), "tmp")
	dead, inflight := filepath.Join(tmpDir, "upload-dead"), filepath.Join(tmpDir, "upload-inflight")
	os.WriteFile(dead, []byte("half an upload"), 0o600)
	os.WriteFile(inflight, []byte("an upload on its way"), 0o600)
	os.Chtimes(dead, now.Add(-files.TempGrace-time.Minute), now.Add(-files.TempGrace-time.Minute))
	os.Chtimes(inflight, now.Add(-time.Minute), now.Add(-time.Minute))

	if p, _ := env.Web.Files().Path(sha(orphan)); !exists(p) {
		t.Fatal("the refused complaint's attachment was not stored: nothing to sweep")
	}
	refs, err := env.Store.FileReferences(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"material": material, "evidence": evidence, "paper": paper, "attachment": attachment} {
		if !refs[sha(b)] {
			t.Errorf("FileReferences misses the %s", name)
		}
	}
	if err := env.Web.RunJobs(ctx); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"material": material, "evidence": evidence, "paper": paper, "attachment": attachment, "young orphan": young} {
		if err := files.Verify(ctx, env.Web.Files(), sha(b)); err != nil {
			t.Errorf("the %s was swept or damaged: %v", name, err)
		}
	}
	if p, _ := env.Web.Files().Path(sha(orphan)); exists(p) {
		t.Error("the old unreferenced file is still there")
	}
	if exists(dead) || !exists(inflight) {
		t.Errorf("temporary files: dead upload kept=%v, upload in flight kept=%v", exists(dead), exists(inflight))
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
