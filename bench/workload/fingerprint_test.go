package workload

import (
	"bytes"
	"strings"
	"testing"
)

// Spec fingerprints (WORKLOAD.md, "Fingerprint").
const (
	specFingerprintScale1   = "efb71548"
	specFingerprintScale0_1 = "b8b713e9"
)

func TestFingerprintMatchesSpec(t *testing.T) {
	for _, tc := range []struct {
		scale float64
		want  string
	}{
		{0.1, specFingerprintScale0_1},
		{1, specFingerprintScale1},
	} {
		if got := Generate(tc.scale, DefaultSeed).Fingerprint(); got != tc.want {
			t.Errorf("SCALE=%v: fingerprint %s, want %s", tc.scale, got, tc.want)
		}
	}
}

func TestFingerprintDependsOnSeed(t *testing.T) {
	if Generate(0.1, DefaultSeed+1).Fingerprint() == specFingerprintScale0_1 {
		t.Error("seed 43 gives seed 42's fingerprint")
	}
}

func TestCanonicalLines(t *testing.T) {
	d := Generate(0.001, DefaultSeed) // NC=10, NO=100, NI=300, streams of 10
	var b bytes.Buffer
	d.writeCanonical(&b)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if want := d.Rows() + 3*d.StreamOps; len(lines) != want {
		t.Fatalf("%d lines, want %d", len(lines), want)
	}
	if !strings.HasPrefix(lines[0], "c|1|Customer 00001|") {
		t.Errorf("first line %q", lines[0])
	}
	o1 := lines[d.NC]
	if !strings.HasPrefix(o1, "o|1|1|") || strings.Count(o1, "|") != 5 {
		t.Errorf("first order line %q", o1)
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "q7|") || strings.Count(last, "|") != 2 {
		t.Errorf("last line %q", last)
	}
}
