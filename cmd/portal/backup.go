package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"portal/models/store"
	"portal/models/store/files"
	"portal/models/store/pgcluster"
	"portal/web"
)

// A backup folder holds:
//
//	database.dump   pg_dump --format=custom of one exported snapshot
//	files/ab/cd/…   every file the snapshot refers to, named by its SHA-256
//	manifest.json   what is in the folder, with the SHA-256 and size of each part
//	manifest.sha256 the SHA-256 of manifest.json
//
// Files are content-addressed and never change, so copying those the snapshot refers to
// after pg_dump has taken it gives a consistent pair: the sweeper removes only files no
// row refers to and that are older than files.ContentGrace.

const backupFormat = "portal-backup/1"

type manifest struct {
	Format        string         `json:"format"`
	CreatedAt     time.Time      `json:"created_at"`
	SchemaVersion int64          `json:"schema_version"`
	Decisions     int64          `json:"decisions"` // rows in the hash-chained decision log
	Database      manifestPart   `json:"database"`
	Files         []manifestPart `json:"files"`
	// Missing are hashes the database names that the file store did not have when the
	// backup was taken (a hash in a decision's text that is no file, or a lost file).
	Missing []string `json:"missing,omitempty"`
}

type manifestPart struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

func pgBin(name string) string {
	dir := os.Getenv("PG_BINDIR")
	if dir == "" {
		dir = pgcluster.DefaultBinDir
	}
	return filepath.Join(dir, name)
}

// libpq runs a PostgreSQL client program on the connection of dsn: the password goes
// through a temporary 0600 password file (PGPASSFILE), never the command line.
func libpq(ctx context.Context, dsn, program string, args ...string) error {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("数据库连接串无法解析: %w", err)
	}
	sslmode := "disable"
	if cfg.TLSConfig != nil {
		sslmode = "require"
	}
	conn := fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=%s", cfg.Host, cfg.Port, quoteConn(cfg.User), quoteConn(cfg.Database), sslmode)
	env := append(os.Environ(), "PGCONNECT_TIMEOUT=10")
	if cfg.Password != "" {
		pass, err := os.CreateTemp("", "portal-pgpass-*")
		if err != nil {
			return err
		}
		defer os.Remove(pass.Name())
		esc := strings.NewReplacer(`\`, `\\`, `:`, `\:`)
		fmt.Fprintf(pass, "*:*:*:*:%s\n", esc.Replace(cfg.Password))
		if err := pass.Close(); err != nil {
			return err
		}
		env = append(env, "PGPASSFILE="+pass.Name())
	}
	cmd := exec.CommandContext(ctx, pgBin(program), append(args, "--dbname="+conn)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s 失败: %w\n%s", program, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func quoteConn(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// backupCommand is `portal backup <dir>`.
func backupCommand(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("用法: portal backup <目录>（目录须不存在或为空）")
	}
	d, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer d.close()
	fst, err := web.OpenFiles(ctx, d.cfg)
	if err != nil {
		return fmt.Errorf("无法打开文件存储: %w", err)
	}
	m, err := backup(ctx, d.store, d.dsn, fst, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "备份完成: %s（数据库 %d 字节，文件 %d 个，决定链 %d 条）\n", args[0], m.Database.Size, len(m.Files), m.Decisions)
	if len(m.Missing) > 0 {
		fmt.Fprintf(os.Stderr, "注意: 数据库引用的 %d 个哈希在文件存储中没有文件，已记入清单 missing:\n  %s\n", len(m.Missing), strings.Join(m.Missing, "\n  "))
	}
	return nil
}

func backup(ctx context.Context, st *store.Store, dsn string, fst files.Store, dir string) (*manifest, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("备份目录 %s 不是空的；请指定新的目录，以免覆盖已有备份", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o700); err != nil {
		return nil, err
	}
	version, err := st.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	m := &manifest{Format: backupFormat, CreatedAt: time.Now().UTC(), SchemaVersion: version}
	var refs map[string]bool
	dump := filepath.Join(dir, "database.dump")
	err = st.Snapshot(ctx, func(id string, r map[string]bool, decisions int64) error {
		refs, m.Decisions = r, decisions
		return libpq(ctx, dsn, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--snapshot="+id, "--file="+dump)
	})
	if err != nil {
		return nil, fmt.Errorf("导出数据库: %w", err)
	}
	if m.Database, err = partOf(dir, "database.dump"); err != nil {
		return nil, err
	}
	sums := make([]string, 0, len(refs))
	for s := range refs {
		sums = append(sums, s)
	}
	sort.Strings(sums)
	for _, sum := range sums {
		p, err := copyOut(ctx, fst, dir, sum)
		if errors.Is(err, fs.ErrNotExist) {
			m.Missing = append(m.Missing, sum)
			continue
		}
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, p)
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(dir, "manifest.json"), raw); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	if err := writeSynced(filepath.Join(dir, "manifest.sha256"), []byte(hex.EncodeToString(sum[:])+"  manifest.json\n")); err != nil {
		return nil, err
	}
	return m, nil
}

func filePath(sum string) string { return filepath.Join("files", sum[:2], sum[2:4], sum) }

// copyOut copies one stored file into the backup, checking its hash on the way: a
// damaged file in the store fails the backup rather than being saved as if it were sound.
func copyOut(ctx context.Context, fst files.Store, dir, sum string) (manifestPart, error) {
	rc, err := fst.Open(ctx, sum)
	if err != nil {
		return manifestPart{}, err
	}
	defer rc.Close()
	rel := filePath(sum)
	dst := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return manifestPart{}, err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return manifestPart{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), rc)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return manifestPart{}, fmt.Errorf("备份文件 %s: %w", sum, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return manifestPart{}, fmt.Errorf("文件存储中的 %s 已损坏（内容的 SHA-256 为 %s），备份中止；请先从上一份备份恢复该文件", sum, got)
	}
	return manifestPart{Path: rel, SHA256: sum, Size: n}, nil
}

func partOf(dir, rel string) (manifestPart, error) {
	f, err := os.Open(filepath.Join(dir, rel))
	if err != nil {
		return manifestPart{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return manifestPart{}, err
	}
	return manifestPart{Path: rel, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readManifest reads a backup's manifest and checks the folder against it: the manifest
// against its checksum, the dump and every file against their hashes and sizes. Any
// mismatch refuses the backup before anything is restored.
func readManifest(dir string) (*manifest, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("备份目录 %s 中没有可读的 manifest.json: %w", dir, err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "manifest.sha256"))
	if err != nil {
		return nil, fmt.Errorf("备份目录 %s 中没有 manifest.sha256: %w", dir, err)
	}
	got := sha256.Sum256(raw)
	if f := strings.Fields(string(want)); len(f) == 0 || f[0] != hex.EncodeToString(got[:]) {
		return nil, errors.New("清单不符: manifest.json 与 manifest.sha256 记录的哈希不一致，拒绝恢复")
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("清单无法解析: %w", err)
	}
	if m.Format != backupFormat {
		return nil, fmt.Errorf("清单格式为 %q，本程序只能恢复 %q", m.Format, backupFormat)
	}
	parts := append([]manifestPart{m.Database}, m.Files...)
	for _, p := range parts {
		if !filepath.IsLocal(p.Path) || (p.Path != "database.dump" && p.Path != filePath(p.SHA256)) {
			return nil, fmt.Errorf("清单不符: 路径 %q 不在备份目录内或与哈希不对应，拒绝恢复", p.Path)
		}
		have, err := partOf(dir, p.Path)
		if err != nil {
			return nil, fmt.Errorf("清单不符: %s 缺失或不可读（%v），拒绝恢复", p.Path, err)
		}
		if have.SHA256 != p.SHA256 || have.Size != p.Size {
			return nil, fmt.Errorf("清单不符: %s 的 SHA-256 为 %s（%d 字节），清单记录为 %s（%d 字节），拒绝恢复", p.Path, have.SHA256, have.Size, p.SHA256, p.Size)
		}
	}
	return &m, nil
}

// restoreCommand is `portal restore <dir>`.
func restoreCommand(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("用法: portal restore <备份目录>（目标数据库须为空）")
	}
	d, err := connectDatabase(ctx)
	if err != nil {
		return err
	}
	defer d.close()
	fst, err := web.OpenFiles(ctx, d.cfg)
	if err != nil {
		return fmt.Errorf("无法打开文件存储: %w", err)
	}
	r, err := restore(ctx, d.store, d.dsn, fst, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "恢复完成并已核验: 决定链 %d 条完整，文件 %d 个哈希一致（数据库结构版本 %d）\n", r.Decisions, len(r.Files), r.SchemaVersion)
	return nil
}

// restore brings the backup in dir into an empty database and the file store, then
// verifies the restored decision chain and every restored file against its hash.
func restore(ctx context.Context, st *store.Store, dsn string, fst files.Store, dir string) (*manifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	db, err := st.SQLDB()
	if err != nil {
		return nil, err
	}
	var tables int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables); err != nil {
		return nil, err
	}
	if tables > 0 {
		return nil, fmt.Errorf("目标数据库已有 %d 张表；恢复只写入空数据库，以免覆盖现有数据。请新建一个空数据库（或清空私有 PostgreSQL 的 var/pg）后重试", tables)
	}
	for _, p := range m.Files {
		f, err := os.Open(filepath.Join(dir, p.Path))
		if err != nil {
			return nil, err
		}
		sum, _, err := fst.Put(ctx, f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("写入文件存储 %s: %w", p.SHA256, err)
		}
		if sum != p.SHA256 {
			return nil, fmt.Errorf("文件 %s 写入后的哈希为 %s", p.SHA256, sum)
		}
	}
	if err := libpq(ctx, dsn, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", filepath.Join(dir, "database.dump")); err != nil {
		return nil, fmt.Errorf("恢复数据库: %w", err)
	}
	if err := verifyRestored(ctx, st, fst, m); err != nil {
		return nil, err
	}
	return m, nil
}

func verifyRestored(ctx context.Context, st *store.Store, fst files.Store, m *manifest) error {
	brk, n, err := st.VerifyDecisionChain(ctx)
	if err != nil {
		return fmt.Errorf("核验决定链: %w", err)
	}
	if brk != nil {
		return fmt.Errorf("恢复后的决定链断裂: %+v", *brk)
	}
	if int64(n) != m.Decisions {
		return fmt.Errorf("恢复后的决定链有 %d 条，清单记录为 %d 条", n, m.Decisions)
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v != m.SchemaVersion {
		return fmt.Errorf("恢复后的数据库结构版本为 %d，清单记录为 %d", v, m.SchemaVersion)
	}
	for _, p := range m.Files {
		if err := files.Verify(ctx, fst, p.SHA256); err != nil {
			return fmt.Errorf("恢复后的文件 %s 核验失败: %w", p.SHA256, err)
		}
	}
	refs, err := st.FileReferences(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, p := range m.Files {
		known[p.SHA256] = true
	}
	for _, s := range m.Missing {
		known[s] = true
	}
	for s := range refs {
		if !known[s] {
			return fmt.Errorf("恢复后的数据库引用了清单中没有的文件 %s", s)
		}
	}
	return nil
}
