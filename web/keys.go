package web

import (
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"portal/models"
)

// The province's SM2 signing key (issue 14 §2) lives in a folder: keyring.json, the
// public list of every key with its validity dates (served at /verify/keys), and
// current.key, the private key of the current entry, PKCS#8 PEM, mode 0600. Rotation
// writes a new key, ends the old entry and deletes the old private key: a rotated-out
// key signs nothing more, and what it signed still verifies against the list.
const (
	keyRingFile    = "keyring.json"
	privateKeyFile = "current.key"
)

// DefaultProvince is the province whose two authorities a new demo key signs for.
const DefaultProvince = "广东省"

// Keys is the loaded key ring and the current private key.
type Keys struct {
	mu   sync.RWMutex
	ring models.KeyRing
	priv *sm2.PrivateKey
	kid  string
}

// Ring returns the published key list.
func (k *Keys) Ring() models.KeyRing {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.ring
}

// Sign signs msg with the current key.
func (k *Keys) Sign(msg []byte) (string, []byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	sig, err := models.SM2Sign(k.priv, msg)
	return k.kid, sig, err
}

// ErrNoKeys says the key folder has no key yet.
var ErrNoKeys = errors.New("签名密钥不存在，请先运行 `portal keys init`")

// LoadKeys reads the key folder.
func LoadKeys(dir string) (*Keys, error) {
	raw, err := os.ReadFile(filepath.Join(dir, keyRingFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoKeys
	}
	if err != nil {
		return nil, err
	}
	var ring models.KeyRing
	if err := json.Unmarshal(raw, &ring); err != nil {
		return nil, fmt.Errorf("%s: %w", keyRingFile, err)
	}
	cur, ok := ring.Current()
	if !ok {
		return nil, fmt.Errorf("%s 中没有当前密钥", keyRingFile)
	}
	path := filepath.Join(dir, privateKeyFile)
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("私钥文件 %s 的权限为 %o，只允许 0600", path, st.Mode().Perm())
	}
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取私钥: %w", err)
	}
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil, fmt.Errorf("私钥文件 %s 不是 PEM", path)
	}
	key, err := smx509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("私钥: %w", err)
	}
	priv, ok := key.(*sm2.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("私钥文件 %s 不是 SM2 私钥", path)
	}
	if k, err := models.NewSigningKey(priv, cur.Issuers, models.Date{}); err != nil || k.ID != cur.ID {
		return nil, fmt.Errorf("私钥与 %s 中的当前密钥 %s 不符", keyRingFile, cur.ID)
	}
	return &Keys{ring: ring, priv: priv, kid: cur.ID}, nil
}

// InitKeys creates the first key in dir for province; it refuses when one exists.
func InitKeys(dir, province string, now time.Time) (*Keys, error) {
	if _, err := os.Stat(filepath.Join(dir, keyRingFile)); err == nil {
		return nil, fmt.Errorf("%s 已有签名密钥；更换密钥请用 `portal keys rotate`", dir)
	}
	return addKey(dir, models.KeyRing{Province: province}, now)
}

// RotateKeys ends the current key today and makes a new one.
func RotateKeys(dir string, now time.Time) (*Keys, error) {
	k, err := LoadKeys(dir)
	if err != nil {
		return nil, err
	}
	ring := k.Ring()
	for i := range ring.Keys {
		if ring.Keys[i].ValidTo == "" {
			ring.Keys[i].ValidTo = models.DateOf(now).String()
		}
	}
	return addKey(dir, ring, now)
}

// EnsureKeys loads the keys, creating the first one when there is none (demo mode).
func EnsureKeys(dir string, create bool, now time.Time) (*Keys, error) {
	k, err := LoadKeys(dir)
	if errors.Is(err, ErrNoKeys) && create {
		return InitKeys(dir, DefaultProvince, now)
	}
	return k, err
}

func addKey(dir string, ring models.KeyRing, now time.Time) (*Keys, error) {
	priv, err := models.GenerateSigningKey()
	if err != nil {
		return nil, err
	}
	entry, err := models.NewSigningKey(priv, models.IssuingAuthorities(ring.Province), models.DateOf(now))
	if err != nil {
		return nil, err
	}
	ring.Keys = append(ring.Keys, entry)
	der, err := smx509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(dir, privateKeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	js, _ := json.MarshalIndent(ring, "", "  ")
	if err := writeFileAtomic(filepath.Join(dir, keyRingFile), append(js, '\n'), 0o644); err != nil {
		return nil, err
	}
	return &Keys{ring: ring, priv: priv, kid: entry.ID}, nil
}

// writeFileAtomic writes via a temporary file, fsync and rename.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// SignDeterministic signs msg with the current key, the same signature every time.
func (k *Keys) SignDeterministic(msg []byte) (string, []byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	sig, err := models.SM2SignDeterministic(k.priv, msg)
	return k.kid, sig, err
}
