package filter

import (
	"reflect"
	"testing"
)

func TestParseParam(t *testing.T) {
	cases := []struct {
		name   string
		in     any
		want   string // JSON of the map, "" for none
		ok     bool
		errMsg string
	}{
		{"nil", nil, "", false, ""},
		{"empty string", "", "", false, ""},
		{"null string", "null", "", false, ""},
		{"json object", `{"where":{"a":1}}`, `{"where":{"a":1}}`, true, ""},
		{"json object with blanks", "  {\"limit\":2}\n", `{"limit":2}`, true, ""},
		{"json empty object", `{}`, `{}`, true, ""},
		{"map", map[string]any{"limit": "2"}, `{"limit":"2"}`, true, ""},
		{"malformed", `{bad`, "", false, "Value is not an object."},
		{"truncated", `{"where":{"name":"Ada"}`, "", false, "Cannot parse JSON-encoded object value."},
		{"looks like an object but is not JSON", `{bad}`, "", false, "Cannot parse JSON-encoded object value."},
		{"json array", `[1,2]`, "", false, "Value is not an object."},
		{"number string", `42`, "", false, "Value is not an object."},
		{"plain string", `notjson`, "", false, "Value is not an object."},
		{"repeated param", []any{"a", "b"}, "", false, "Value is not an object."},
		{"number", 42.0, "", false, "Value is not an object."},
		{"trailing garbage", `{"a":1} x}`, "", false, "Cannot parse JSON-encoded object value."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok, err := ParseParam(c.in)
			if c.errMsg != "" {
				fe := asError(t, err)
				if fe.Code != CodeInvalidFilter || fe.Message != c.errMsg || m != nil || ok {
					t.Errorf("got %v %v %s %q", m, ok, fe.Code, fe.Message)
				}
				return
			}
			if err != nil || ok != c.ok {
				t.Fatalf("got ok=%v err=%v", ok, err)
			}
			if c.want == "" {
				if m != nil {
					t.Errorf("got %v, want nil", m)
				}
				return
			}
			if !reflect.DeepEqual(any(m), mustJSON(t, c.want)) {
				t.Errorf("got %s, want %s", jsonString(m), c.want)
			}
		})
	}
}
