package pgcluster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// The private server asks for a password (scram-sha-256) on every connection: any local
// user could otherwise connect as the superuser (issue 8, 2.11). The password is made
// at initdb and kept in a 0600 file owned by the portal's user, beside the data folder.

func newPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil // hex needs no quoting in a DSN or in SQL
}

// writePassword stores the password with mode 0600, replacing the file atomically.
func writePassword(path, password string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readPassword reads the password file and puts its mode back to 0600 if it drifted.
func readPassword(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm() != 0o600 {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", err
		}
	}
	pw := strings.TrimSpace(string(raw))
	if pw == "" {
		return "", fmt.Errorf("the database password file %s is empty", path)
	}
	return pw, nil
}

// pwfileFor writes the password where initdb, running as owner, can read it once; the
// caller removes it.
func pwfileFor(dir, password string, owner *syscall.Credential) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(dir), ".pwfile-*")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.WriteString(password + "\n"); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	if owner != nil {
		if err := f.Chown(int(owner.Uid), int(owner.Gid)); err != nil {
			os.Remove(f.Name())
			return "", err
		}
	}
	return f.Name(), nil
}

// usesTrust reports whether the data folder's pg_hba.conf lets anyone in without a
// password: a cluster made before passwords were required.
func usesTrust(dataDir string) (bool, error) {
	raw, err := os.ReadFile(filepath.Join(dataDir, "pg_hba.conf"))
	if err != nil {
		return false, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") && f[len(f)-1] == "trust" {
			return true, nil
		}
	}
	return false, nil
}

// requirePassword converts a running trust cluster: it sets the superuser's password,
// switches every pg_hba.conf rule to scram-sha-256 and reloads the configuration.
func (c *Cluster) requirePassword(ctx context.Context, owner *syscall.Credential) error {
	password, err := newPassword()
	if err != nil {
		return err
	}
	if err := writePassword(c.opts.PasswordFile, password); err != nil {
		return err
	}
	db, err := sql.Open("pgx", c.dsn("postgres", ""))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "SET password_encryption = 'scram-sha-256'"); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "ALTER ROLE postgres PASSWORD '"+password+"'"); err != nil {
		return fmt.Errorf("setting the database password: %w", err)
	}
	hba := filepath.Join(c.opts.DataDir, "pg_hba.conf")
	raw, err := os.ReadFile(hba)
	if err != nil {
		return err
	}
	lines := strings.Split(string(raw), "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") && f[len(f)-1] == "trust" {
			lines[i] = strings.TrimSuffix(strings.TrimRight(line, " \t"), "trust") + "scram-sha-256"
		}
	}
	if err := os.WriteFile(hba, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		return err
	}
	if owner != nil {
		if err := os.Chown(hba, int(owner.Uid), int(owner.Gid)); err != nil {
			return err
		}
	}
	var ok bool
	if err := db.QueryRowContext(ctx, "SELECT pg_reload_conf()").Scan(&ok); err != nil || !ok {
		return errors.Join(errors.New("reloading pg_hba.conf failed"), err)
	}
	c.password = password
	return nil
}
