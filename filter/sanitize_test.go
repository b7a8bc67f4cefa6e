package filter

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestSanitize(t *testing.T) {
	d := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var nilMap map[string]any
	var nilPtr *int
	cases := []struct {
		name string
		in   any
		want any
		code string
		path string
	}{
		{"json types", mustJSON(t, `{"a":[1,"x",true,null,{"b":2}]}`), mustJSON(t, `{"a":[1,"x",true,null,{"b":2}]}`), "", ""},
		{"go numbers", map[string]any{"i": 1, "u": uint8(2), "f": float32(1.5), "n": json.Number("7")},
			map[string]any{"i": 1.0, "u": 2.0, "f": 1.5, "n": 7.0}, "", ""},
		{"bad json.Number", json.Number("x"), "x", "", ""},
		{"go slices and maps", map[string]any{"s": []string{"a"}, "m": map[string]int{"k": 1}, "l": []map[string]any{{"x": 1}}},
			map[string]any{"s": []any{"a"}, "m": map[string]any{"k": 1.0}, "l": []any{map[string]any{"x": 1.0}}}, "", ""},
		{"time and bytes kept", []any{d, []byte("x")}, []any{d, []byte("x")}, "", ""},
		{"nil map", nilMap, map[string]any{}, "", ""},
		{"nil pointer", map[string]any{"p": nilPtr}, map[string]any{"p": nil}, "", ""},
		{"channel", map[string]any{"c": make(chan int)}, nil, CodeInvalidFilter, "c"},
		{"int-keyed map", map[int]any{1: 2}, nil, CodeInvalidFilter, ""},
		{"dollar keys collected", mustJSON(t, `{"where":{"$or":[{"$a":1}],"b":{"$a":2}}}`), nil, CodeOperatorNotAllowed, "where.$or"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := sanitize(c.in, "")
			if c.code != "" {
				fe := asError(t, err)
				if fe.Code != c.code || fe.Path != c.path {
					t.Fatalf("got %s at %q: %s", fe.Code, fe.Path, fe.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
		})
	}
	_, err := sanitize(mustJSON(t, `{"$b":1,"a":{"$b":2,"$c":3}}`), "")
	if fe := asError(t, err); fe.Message != `Operators "$b, $c" are not allowed in query` {
		t.Errorf("message %q", fe.Message)
	}
}
