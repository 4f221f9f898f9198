package store

import (
	"context"

	"gorm.io/gorm"

	"portal/models"
)

// Signer signs issued documents with the province's current SM2 key (web keeps the
// key; models has the rules).
type Signer interface {
	Sign(msg []byte) (keyID string, sig []byte, err error)
}

// SetSigner gives the store the key that signs certificates at issuance. Without one,
// certificates are issued unsigned and SignUnsigned signs them later.
func (s *Store) SetSigner(sg Signer) { s.signer = sg }

// signCertificate signs c in tx and stores the signature with the key id.
func signCertificate(tx *gorm.DB, sg Signer, c *models.Certificate) error {
	kid, sig, err := sg.Sign(models.CertificateSignedContent(*c))
	if err != nil {
		return err
	}
	c.KeyID, c.Signature = kid, models.EncodeSignature(sig)
	return tx.Model(c).Select("key_id", "signature").Updates(c).Error
}

// SignUnsigned signs every certificate that has no signature yet (issued before the
// province had a key, or by the demo seed), each with an audit row. It returns how many.
func (s *Store) SignUnsigned(ctx context.Context, a Actor) (int, error) {
	if s.signer == nil {
		return 0, nil
	}
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var certs []models.Certificate
		if err := tx.Where("signature = ''").Order("id").Find(&certs).Error; err != nil {
			return err
		}
		for i := range certs {
			if err := signCertificate(tx, s.signer, &certs[i]); err != nil {
				return err
			}
			if err := audit(tx, a, "补签合格证明电子签名", certs[i].Serial, "密钥 "+certs[i].KeyID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Revocations lists every revoked certificate for the signed revocation list.
func (s *Store) Revocations(ctx context.Context) ([]models.Revocation, error) {
	var certs []models.Certificate
	if err := s.db.WithContext(ctx).Where("status = ?", models.CertificateRevoked).Order("serial").Find(&certs).Error; err != nil {
		return nil, err
	}
	out := make([]models.Revocation, 0, len(certs))
	for _, c := range certs {
		r := models.Revocation{Serial: c.Serial, Reason: c.RevokedReason}
		if c.RevokedAt != nil {
			r.RevokedOn = models.DateOf(*c.RevokedAt).String()
		}
		out = append(out, r)
	}
	return out, nil
}
