package keyenc

import (
	"bytes"
	"testing"
)

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"nil", nil, nil},
		{"empty", []byte{}, nil},
		{"all ff", []byte{0xff, 0xff}, nil},
		{"simple", []byte{1, 2}, []byte{1, 3}},
		{"trailing ff", []byte{1, 0xff, 0xff}, []byte{2}},
		{"zero", []byte{0}, []byte{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]byte(nil), tt.in...)
			got := PrefixEnd(in)
			if !bytes.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Fatalf("PrefixEnd(%x) = %x, want %x", tt.in, got, tt.want)
			}
			if !bytes.Equal(in, tt.in) {
				t.Fatalf("PrefixEnd modified its input: %x", in)
			}
		})
	}
}

// TestPrefixEndProperty: every key with prefix p is below PrefixEnd(p), and
// PrefixEnd(p) itself does not start with p.
func TestPrefixEndProperty(t *testing.T) {
	r := newRand(t)
	for i := 0; i < 20000; i++ {
		p := randBytes(r)
		end := PrefixEnd(p)
		k := append(append([]byte(nil), p...), randBytes(r)...)
		if end != nil && bytes.Compare(k, end) >= 0 {
			t.Fatalf("key %x with prefix %x not below PrefixEnd=%x", k, p, end)
		}
		if end != nil && bytes.HasPrefix(end, p) {
			t.Fatalf("PrefixEnd(%x)=%x has the prefix", p, end)
		}
		// Any key >= p that lacks the prefix is >= end.
		o := randBytes(r)
		if bytes.Compare(o, p) >= 0 && !bytes.HasPrefix(o, p) && end != nil && bytes.Compare(o, end) < 0 {
			t.Fatalf("key %x without prefix %x below PrefixEnd=%x", o, p, end)
		}
	}
}
