package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestReadBody(t *testing.T) {
	const max = 64
	tests := []struct {
		name        string
		contentType string
		body        string
		want        any
		wantPresent bool
		wantStatus  int    // 0: no error
		wantName    string // error name
	}{
		{"no body", "application/json", "", nil, false, 0, ""},
		{"blank body", "application/json", "  \n", nil, false, 0, ""},
		{"object", "application/json", `{"a":1,"b":[true,null]}`, map[string]any{"a": 1.0, "b": []any{true, nil}}, true, 0, ""},
		{"array", "application/json; charset=utf-8", `[{"a":1}]`, []any{map[string]any{"a": 1.0}}, true, 0, ""},
		{"string", "application/json", `"just a string"`, "just a string", true, 0, ""},
		{"vendor json", "application/vnd.api+json", `{"a":"x"}`, map[string]any{"a": "x"}, true, 0, ""},
		{"no content type is JSON", "", `{"a":2}`, map[string]any{"a": 2.0}, true, 0, ""},
		{"malformed", "application/json", `{"name": "Ed",`, nil, false, 400, "SyntaxError"},
		{"trailing garbage", "application/json", `{} x`, nil, false, 400, "SyntaxError"},
		{"form", "application/x-www-form-urlencoded", "name=Fay&age=3", map[string]any{"name": "Fay", "age": "3"}, true, 0, ""},
		{"form brackets", "application/x-www-form-urlencoded", "address[city]=Paris&tags[0]=a&tags[1]=b",
			map[string]any{"address": map[string]any{"city": "Paris"}, "tags": []any{"a", "b"}}, true, 0, ""},
		{"form escapes", "application/x-www-form-urlencoded", "name=Ann+Lee%21", map[string]any{"name": "Ann Lee!"}, true, 0, ""},
		{"too large", "application/json", `{"a":"` + strings.Repeat("x", max) + `"}`, nil, false, 413, "PayloadTooLargeError"},
		{"exactly max", "application/json", `{"a":"` + strings.Repeat("x", max-8) + `"}`,
			map[string]any{"a": strings.Repeat("x", max-8)}, true, 0, ""},
		{"unsupported type", "text/plain", `{"a":1}`, nil, false, 415, "Error"},
		{"malformed type", "application/json; ===", `{"a":1}`, nil, false, 415, "Error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/api/X", strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			b, err := readBody(r, max)
			if tc.wantStatus != 0 {
				var e *httpError
				if !errors.As(err, &e) {
					t.Fatalf("err = %v, want an *httpError", err)
				}
				name := e.Name
				if name == "" {
					name = "Error"
				}
				if e.Status != tc.wantStatus || name != tc.wantName {
					t.Fatalf("got %d %s (%s), want %d %s", e.Status, name, e.Message, tc.wantStatus, tc.wantName)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if b.Present != tc.wantPresent || !reflect.DeepEqual(b.Value, tc.want) {
				t.Fatalf("got %#v (present %v), want %#v", b.Value, b.Present, tc.want)
			}
		})
	}
}

func TestReadBodyContentLengthOverMax(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/api/X", strings.NewReader("{}"))
	r.ContentLength = 1 << 30 // refused before reading
	_, err := readBody(r, 10)
	if e := errorFor(err); e.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %v", err)
	}
}

func TestBodyObjects(t *testing.T) {
	tests := []struct {
		name      string
		body      requestBody
		wantOne   map[string]any
		wantMany  []map[string]any
		wantArray bool
		wantErr   bool
	}{
		{"absent", requestBody{}, nil, nil, false, false},
		{"null", requestBody{Value: nil, Present: true}, nil, nil, false, false},
		{"object", requestBody{Value: map[string]any{"a": 1.0}, Present: true}, map[string]any{"a": 1.0}, nil, false, false},
		{"array", requestBody{Value: []any{map[string]any{"a": 1.0}}, Present: true}, nil, []map[string]any{{"a": 1.0}}, true, false},
		{"array of scalars", requestBody{Value: []any{1.0}, Present: true}, nil, nil, true, true},
		{"string", requestBody{Value: "x", Present: true}, nil, nil, false, true},
		{"number", requestBody{Value: 4.0, Present: true}, nil, nil, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			one, many, isArray, err := tc.body.Objects()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if e := errorFor(err); e.Status != 400 || e.Message != messageNotAnObject {
					t.Fatalf("error %d %q", e.Status, e.Message)
				}
				return
			}
			if isArray != tc.wantArray || !reflect.DeepEqual(one, tc.wantOne) || !reflect.DeepEqual(many, tc.wantMany) {
				t.Fatalf("got %v %v %v", one, many, isArray)
			}
		})
	}
}

func TestSyntaxErrorMessages(t *testing.T) {
	tests := []struct {
		body string
		want string
	}{
		{`{"name": "Ed",`, "Unexpected end of JSON input"},
		{`{"name": "Ed",}`, "Unexpected token in JSON at position 14: character '}' looking for beginning of object key string"},
		{`{} x`, "Unexpected token in JSON at position 3: character 'x' after top-level value"},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			_, err := decodeJSONBody([]byte(tc.body))
			e := errorFor(err)
			if e.Status != 400 || e.Name != nameSyntaxError || e.Message != tc.want {
				t.Fatalf("got %d %s %q", e.Status, e.Name, e.Message)
			}
		})
	}
}
