package keyenc

import (
	"bytes"
	"strings"
	"testing"
)

func TestStringFormat(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []byte
	}{
		{"empty", "", []byte{TagString, 0x00, 0x01}},
		{"plain", "ab", []byte{TagString, 'a', 'b', 0x00, 0x01}},
		{"nul escaped", "a\x00b", []byte{TagString, 'a', 0x00, 0xFF, 'b', 0x00, 0x01}},
		{"ff kept", "\xff", []byte{TagString, 0xFF, 0x00, 0x01}},
		{"only nul", "\x00", []byte{TagString, 0x00, 0xFF, 0x00, 0x01}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AppendString(nil, tt.in); !bytes.Equal(got, tt.want) {
				t.Fatalf("AppendString(%q) = %x, want %x", tt.in, got, tt.want)
			}
			bw := append([]byte{TagBytes}, tt.want[1:]...)
			if got := AppendBytes(nil, []byte(tt.in)); !bytes.Equal(got, bw) {
				t.Fatalf("AppendBytes(%q) = %x, want %x", tt.in, got, bw)
			}
		})
	}
}

// TestStringOrderEdgeCases: a hand-sorted list must encode in strictly
// increasing order, as strings and as bytes.
func TestStringOrderEdgeCases(t *testing.T) {
	ordered := []string{
		"", "\x00", "\x00\x00", "\x00\x01", "\x00\xff", "\x01", "a", "a\x00", "a\x00b",
		"a\x01", "ab", "abc", "b", "é", "\uffff", "\U0001F600", "\xff", "\xff\x00", "\xff\xff",
	}
	for i := 1; i < len(ordered); i++ {
		x, y := ordered[i-1], ordered[i]
		if bytes.Compare(AppendString(nil, x), AppendString(nil, y)) >= 0 {
			t.Errorf("enc(%q) not below enc(%q)", x, y)
		}
		if bytes.Compare(AppendBytes(nil, []byte(x)), AppendBytes(nil, []byte(y))) >= 0 {
			t.Errorf("enc([]byte %q) not below enc([]byte %q)", x, y)
		}
		if Compare(x, y) >= 0 {
			t.Errorf("Compare(%q, %q) >= 0", x, y)
		}
	}
}

// TestStringPrefixRange: [AppendStringPrefix(p), PrefixEnd(...)) contains
// the encoding of s, in tuples too, exactly when s has prefix p.
func TestStringPrefixRange(t *testing.T) {
	r := newRand(t)
	key := []byte{0x11, 3} // some key prefix before the string
	for i := 0; i < 20000; i++ {
		p, s := string(randBytes(r)), string(randBytes(r))
		if r.IntN(3) == 0 {
			s = p + s
		}
		lo := AppendStringPrefix(append([]byte(nil), key...), p)
		hi := PrefixEnd(lo)
		k := AppendString(append([]byte(nil), key...), s)
		k = AppendNumber(k, 1) // a trailing primary key
		in := bytes.Compare(k, lo) >= 0 && (hi == nil || bytes.Compare(k, hi) < 0)
		if want := strings.HasPrefix(s, p); in != want {
			t.Fatalf("prefix %q, string %q: in range = %v, want %v (lo=%x hi=%x k=%x)", p, s, in, want, lo, hi, k)
		}
	}
}

func TestStringDecodeCorrupt(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"no terminator", []byte{TagString, 'a'}},
		{"dangling escape", []byte{TagString, 'a', 0x00}},
		{"bad escape", []byte{TagString, 0x00, 0x02, 0x00, 0x01}},
		{"bytes bad escape", []byte{TagBytes, 0x00, 0x00}},
		{"bytes empty payload", []byte{TagBytes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, _, err := Decode(tt.in); err == nil {
				t.Fatalf("Decode(%x) = %#v, want error", tt.in, v)
			}
		})
	}
}

func TestDecodeBytesDoesNotAlias(t *testing.T) {
	enc := AppendBytes(nil, []byte("abc"))
	v, _, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	enc[1] = 'z'
	if got := v.([]byte); string(got) != "abc" {
		t.Fatalf("decoded bytes alias the input: %q", got)
	}
}

func BenchmarkAppendString(b *testing.B) {
	buf := make([]byte, 0, 64)
	s := "customer@example.com"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendString(buf[:0], s)
	}
}
