package pdf

import "testing"

func TestRenderSamples(t *testing.T) {
	r := renderer(t)
	for name, fn := range map[string]func() ([]byte, error){
		"certificate.pdf": func() ([]byte, error) { return r.Certificate(sampleCert()) },
		"opinion.pdf":     func() ([]byte, error) { return r.ReviewOpinion(sampleOpinion()) },
		"check.pdf":       func() ([]byte, error) { return r.CheckConfirmation(sampleCheckData()) },
	} {
		b, err := fn()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %d bytes", name, len(b))
		savePDF(t, name, b)
	}
}
