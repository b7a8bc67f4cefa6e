package keyenc

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestTimeOrderEdgeCases(t *testing.T) {
	ordered := []time.Time{
		time.Date(-271821, 4, 20, 0, 0, 0, 0, time.UTC),
		{}, // year 1
		time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(-1, 0),
		time.Unix(-1, 999_999_999),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Unix(1, 0),
		time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(275760, 9, 13, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i < len(ordered); i++ {
		a, b := AppendTime(nil, ordered[i-1]), AppendTime(nil, ordered[i])
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("enc(%v)=%x not below enc(%v)=%x", ordered[i-1], a, ordered[i], b)
		}
	}
}

func TestTimeSameInstant(t *testing.T) {
	base := time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC)
	tests := []struct {
		name string
		t    time.Time
	}{
		{"other zone", base.In(time.FixedZone("plus5", 5*3600))},
		{"local", base.Local()},
		{"with monotonic reading", time.Now()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.t.Round(0).UTC()
			if got, want := AppendTime(nil, tt.t), AppendTime(nil, want); !bytes.Equal(got, want) {
				t.Fatalf("enc = %x, want %x", got, want)
			}
			v, _, err := Decode(AppendTime(nil, tt.t))
			if err != nil {
				t.Fatal(err)
			}
			if got := v.(time.Time); !got.Equal(tt.t) || got.Location() != time.UTC {
				t.Fatalf("decoded %v, want %v in UTC", got, tt.t)
			}
			if c := Compare(tt.t, want); c != 0 {
				t.Fatalf("Compare = %d, want 0", c)
			}
		})
	}
}

func TestTimeDecodeCorrupt(t *testing.T) {
	bad := AppendTime(nil, time.Unix(0, 0))
	bad[len(bad)-4], bad[len(bad)-3], bad[len(bad)-2], bad[len(bad)-1] = 0x3B, 0x9A, 0xCA, 0x00 // 1e9 ns
	tests := []struct {
		name string
		in   []byte
	}{
		{"nanos out of range", bad},
		{"truncated", AppendTime(nil, time.Unix(5, 5))[:timeSize]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, _, err := Decode(tt.in); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Decode(%x) = %#v, %v; want ErrCorrupt", tt.in, v, err)
			}
		})
	}
}
