package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestParseDump(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantFormat dumpFormat
		want       string // models as "Name:records[:next]" joined by spaces
		wantErr    string
	}{
		{"relstore", `{"models": {"A": [{"id": 1}], "B": []}}`, formatRelstore, "A:1 B:0", ""},
		{"relstore keeps the file's order", `{"models": {"Z": [], "A": []}}`, formatRelstore, "Z:0 A:0", ""},
		{"empty", `{"models": {}}`, formatRelstore, "", ""},
		{"lb3", `{"ids": {"A": 3}, "models": {"A": {"1": "{\"id\":1}", "2": "{\"id\":2}"}}}`, formatLB3, "A:2:3", ""},
		{"lb3 models before ids", `{"models": {"A": {}}, "ids": {"A": 1}}`, formatLB3, "A:0:1", ""},
		{"lb3 without ids", `{"models": {"A": {"x": "{}"}}}`, formatLB3, "A:1", ""},
		{"lb3 object records", `{"ids": {}, "models": {"A": {"1": {"id": 1}}}}`, formatLB3, "A:1", ""},
		{"ids only", `{"ids": {}, "models": {}}`, formatLB3, "", ""},
		{"mixed", `{"models": {"A": [], "B": {}}}`, "", "", "mixes"},
		{"ids with arrays", `{"ids": {"A": 1}, "models": {"A": []}}`, "", "", "mixes"},
		{"bad ids", `{"ids": [], "models": {}}`, "", "", "ids"},
		{"bad record string", `{"models": {"A": {"1": "{nope"}}}`, "", "", `record "1"`},
		{"record string not an object", `{"models": {"A": {"1": "[]"}}}`, "", "", `record "1"`},
		{"model not a collection", `{"models": {"A": 3}}`, "", "", `model "A"`},
		{"null record", `{"models": {"A": [null]}}`, "", "", "record 1 is not an object"},
		{"trailing data", `{"models": {}} {}`, "", "", "invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseDump([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range d.models {
				s := fmt.Sprintf("%s:%d", m.name, len(m.records))
				if m.nextID != nil {
					s += fmt.Sprintf(":%g", *m.nextID)
				}
				got = append(got, s)
			}
			if d.format != tc.wantFormat || strings.Join(got, " ") != tc.want {
				t.Fatalf("format %s, models %q; want %s %q", d.format, strings.Join(got, " "), tc.wantFormat, tc.want)
			}
		})
	}
}

func TestDumpWriterEmpty(t *testing.T) {
	tests := []struct {
		format dumpFormat
		want   string
	}{
		{formatRelstore, "{\n  \"models\": {}\n}\n"},
		{formatLB3, "{\n  \"ids\": {},\n  \"models\": {}\n}\n"},
	}
	for _, tc := range tests {
		t.Run(string(tc.format), func(t *testing.T) {
			var b bytes.Buffer
			if err := newDumpWriter(&b, tc.format, nil).close(); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Fatalf("got %q, want %q", b.String(), tc.want)
			}
			if _, err := parseDump(b.Bytes()); err != nil {
				t.Fatalf("does not read back: %v", err)
			}
		})
	}
}

func TestIDKey(t *testing.T) {
	tests := []struct {
		id   any
		want string
	}{
		{1.0, "1"}, {1.5, "1.5"}, {1e21, "1e+21"}, {"abc", "abc"}, {nil, "undefined"}, {true, "true"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := idKey(tc.id); got != tc.want {
				t.Fatalf("idKey(%v) = %q", tc.id, got)
			}
		})
	}
}
