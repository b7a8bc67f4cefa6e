package server

import (
	"reflect"
	"testing"
)

func TestCapLimit(t *testing.T) {
	tests := []struct {
		name string
		max  int
		in   map[string]any
		want map[string]any
	}{
		{"no cap", 0, map[string]any{"limit": 500.0}, map[string]any{"limit": 500.0}},
		{"no cap, no filter", 0, nil, nil},
		{"no filter gets the cap", 10, nil, map[string]any{"limit": 10.0}},
		{"no limit gets the cap", 10, map[string]any{"where": map[string]any{}}, map[string]any{"where": map[string]any{}, "limit": 10.0}},
		{"larger limit capped", 10, map[string]any{"limit": 50.0}, map[string]any{"limit": 10.0}},
		{"larger string limit capped", 10, map[string]any{"limit": "50"}, map[string]any{"limit": 10.0}},
		{"smaller limit kept", 10, map[string]any{"limit": 5.0}, map[string]any{"limit": 5.0}},
		{"smaller string limit kept", 10, map[string]any{"limit": "5"}, map[string]any{"limit": "5"}},
		{"zero limit (unlimited in LB3) capped", 10, map[string]any{"limit": 0.0}, map[string]any{"limit": 10.0}},
		{"bad limit left for the engine", 10, map[string]any{"limit": "abc"}, map[string]any{"limit": "abc"}},
		{"huge number capped", 10, map[string]any{"limit": 1e300}, map[string]any{"limit": 10.0}},
		{"string beyond float64 capped as the number is", 10, map[string]any{"limit": "1e400"}, map[string]any{"limit": 10.0}},
		{"negative string beyond float64 capped", 10, map[string]any{"limit": "-1e400"}, map[string]any{"limit": 10.0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &server{opts: Options{MaxLimit: tc.max}}
			var before map[string]any
			if tc.in != nil {
				before = map[string]any{}
				for k, v := range tc.in {
					before[k] = v
				}
			}
			got := s.capLimit(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if tc.in != nil && !reflect.DeepEqual(tc.in, before) {
				t.Fatalf("the input was modified: %v", tc.in)
			}
		})
	}
}

func TestObjectParam(t *testing.T) {
	tests := []struct {
		name    string
		query   map[string]any
		want    map[string]any
		wantErr string
	}{
		{"absent", map[string]any{}, nil, ""},
		{"empty", map[string]any{"filter": ""}, nil, ""},
		{"null", map[string]any{"filter": "null"}, nil, ""},
		{"JSON", map[string]any{"filter": `{"limit":2}`}, map[string]any{"limit": 2.0}, ""},
		{"brackets", map[string]any{"filter": map[string]any{"limit": "2"}}, map[string]any{"limit": "2"}, ""},
		{"malformed JSON", map[string]any{"filter": `{"limit":`}, nil, "Value is not an object."},
		{"truncated object", map[string]any{"filter": `{"limit":}`}, nil, "Cannot parse JSON-encoded object value."},
		{"array", map[string]any{"filter": `[1]`}, nil, "Value is not an object."},
		{"repeated", map[string]any{"filter": []any{"a", "b"}}, nil, "Value is not an object."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &call{query: tc.query}
			got, err := c.objectParam("filter")
			if tc.wantErr != "" {
				if e := errorFor(err); e == nil || e.Status != 400 || e.Message != tc.wantErr {
					t.Fatalf("err = %v, want 400 %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestJSString(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, "undefined"},
		{"abc", "abc"},
		{8.0, "8"},
		{1.5, "1.5"},
		{true, "true"},
	}
	for _, tc := range tests {
		if got := jsString(tc.in); got != tc.want {
			t.Errorf("jsString(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
