package server

// A Go port of the matching rules of the LB3 oracle (shared/oracle/oracle.js:
// stepTarget, goldenOf, canon, stable, diff, compareStep, any4xxProblem), so
// that the conformance test judges exactly as `node oracle.js check` does.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// oracleScenario is a scenario file (scenarios/X.json).
type oracleScenario struct {
	Name   string            `json:"name"`
	Ignore []string          `json:"ignore"`
	Models []json.RawMessage `json:"models"`
	Steps  []oracleStep      `json:"steps"`
}

// oracleStep is one request of a scenario with its matching options.
type oracleStep struct {
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Query       json.RawMessage   `json:"query"`
	Body        json.RawMessage   `json:"body"`
	RawBody     *string           `json:"rawBody"`
	Headers     map[string]string `json:"headers"`
	Note        string            `json:"note"`
	Ignore      []string          `json:"ignore"`
	Unordered   bool              `json:"unordered"`
	StrictError bool              `json:"strictError"`
	Accept4xx   bool              `json:"accept4xx"`
	Any4xx      bool              `json:"any4xx"`
}

// oracleGolden is a golden file (golden/X.json).
type oracleGolden struct {
	Scenario string             `json:"scenario"`
	Steps    []oracleGoldenStep `json:"steps"`
}

// oracleGoldenStep is what LB3 answered to one step. Body is absent (nil
// with HasBody false) when the response had none.
type oracleGoldenStep struct {
	Method  string
	Path    string
	Status  int
	Body    any
	HasBody bool
}

func (g *oracleGoldenStep) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, dst := range map[string]any{"method": &g.Method, "path": &g.Path, "status": &g.Status} {
		if v, ok := raw[k]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return err
			}
		}
	}
	if v, ok := raw["body"]; ok {
		g.HasBody = true
		return json.Unmarshal(v, &g.Body)
	}
	return nil
}

// oracleResponse is a response cut down as goldenOf does.
type oracleResponse struct {
	Method  string
	Status  int
	Body    any
	HasBody bool
}

// urlUnsafe matches what stepTarget percent-encodes in a path.
var urlUnsafe = regexp.MustCompile("[^\\x21-\\x7e]|[\"<>\\\\^`{|}]")

// stepTarget is the request target of a step relative to the API root, as
// oracle.js builds it.
func stepTarget(st oracleStep) string {
	target := urlUnsafe.ReplaceAllStringFunc(st.Path, encodeURIComponent)
	enc := func(s string) string {
		e := encodeURIComponent(s)
		for _, k := range []string{"%3A", "%2C", "%5B", "%5D", "%40", "%24", "%2F"} {
			dec, _ := strconv.ParseUint(k[1:], 16, 8)
			e = strings.ReplaceAll(e, k, string(rune(dec)))
		}
		return e
	}
	var q []string
	for _, kv := range orderedObject(st.Query) {
		v := kv.value
		var str string
		if json.Unmarshal(v, &str) != nil {
			var b bytes.Buffer
			json.Compact(&b, v) //nolint:errcheck // valid JSON from the scenario
			str = b.String()
		}
		q = append(q, enc(kv.key)+"="+enc(str))
	}
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + strings.Join(q, "&")
	}
	return target
}

type rawMember struct {
	key   string
	value json.RawMessage
}

// orderedObject returns the members of a JSON object in document order
// (JavaScript keeps insertion order; Go maps do not).
func orderedObject(raw json.RawMessage) []rawMember {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []rawMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		out = append(out, rawMember{key: tok.(string), value: v})
	}
	return out
}

// encodeURIComponent is JavaScript's: everything but A-Z a-z 0-9 - _ . ! ~
// * ' ( ) is percent-encoded as UTF-8.
func encodeURIComponent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_.!~*'()", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// oracleGoldenOf cuts a response down as goldenOf does: error bodies keep
// statusCode, name, message, code and details.
func oracleGoldenOf(method string, status int, header http.Header, text string) oracleResponse {
	out := oracleResponse{Method: strings.ToUpper(method), Status: status}
	if text == "" {
		return out
	}
	out.HasBody = true
	out.Body = text
	if strings.Contains(header.Get("Content-Type"), "json") {
		var v any
		if err := json.Unmarshal([]byte(text), &v); err == nil {
			out.Body = v
		}
	}
	if isErrorBody(status, out.Body) {
		full := out.Body.(map[string]any)["error"].(map[string]any)
		e := map[string]any{}
		for _, k := range []string{"statusCode", "name", "message", "code", "details"} {
			if v, ok := full[k]; ok && v != nil {
				e[k] = v
			}
		}
		out.Body = map[string]any{"error": e}
	}
	return out
}

func isErrorBody(status int, body any) bool {
	m, ok := body.(map[string]any)
	if status < 400 || !ok {
		return false
	}
	_, ok = m["error"].(map[string]any)
	return ok
}

var isoDate = regexp.MustCompile(`^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(?:Z|([+-])(\d\d):?(\d\d))$`)

// canonDate rewrites an ISO-8601 date-time as Date#toISOString does, or
// returns ok false.
func canonDate(s string) (string, bool) {
	m := isoDate.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	n := func(i int) int {
		if m[i] == "" {
			return 0
		}
		v, _ := strconv.Atoi(m[i])
		return v
	}
	month, day, hour, min, sec := n(2), n(3), n(4), n(5), n(6)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || min > 59 || sec > 59 {
		return "", false
	}
	frac := (m[7] + "000")[:3]
	ms, _ := strconv.Atoi(frac)
	t := time.Date(n(1), time.Month(month), day, hour, min, sec, ms*int(time.Millisecond), time.UTC)
	if m[8] != "" {
		off := time.Duration(n(9))*time.Hour + time.Duration(n(10))*time.Minute
		if m[8] == "+" {
			t = t.Add(-off)
		} else {
			t = t.Add(off)
		}
	}
	return t.Format(jsonTimeLayout), true
}

// canon is oracle.js's canon: dates as instants, ignored keys blanked.
func canon(v any, ignore map[string]bool) any {
	switch x := v.(type) {
	case string:
		if d, ok := canonDate(x); ok {
			return d
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canon(e, ignore)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if ignore[k] {
				out[k] = "<ignored>"
			} else {
				out[k] = canon(e, ignore)
			}
		}
		return out
	}
	return v
}

// stable is a canonical JSON text of v (keys sorted).
func stable(v any) string { return string(appendJSON(nil, v)) }

// show renders a value in a difference line.
func show(v any, present bool) string {
	if !present {
		return "nothing"
	}
	s := stable(v)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// diffValues lists the differences between two canonical values as
// "where: expected X, got Y" lines.
func diffValues(exp, act any, where string, out []string) []string {
	if stable(exp) == stable(act) {
		return out
	}
	ea, eIsArr := exp.([]any)
	aa, aIsArr := act.([]any)
	eo, eIsObj := exp.(map[string]any)
	ao, aIsObj := act.(map[string]any)
	switch {
	case eIsArr && aIsArr:
		if len(ea) != len(aa) {
			out = append(out, fmt.Sprintf("%s: expected %d items, got %d", where, len(ea), len(aa)))
		}
		for i := 0; i < len(ea) && i < len(aa); i++ {
			out = diffValues(ea[i], aa[i], fmt.Sprintf("%s[%d]", where, i), out)
		}
	case eIsObj && aIsObj:
		for _, k := range sortedKeys(eo) {
			if _, ok := ao[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing (expected %s)", where, k, show(eo[k], true)))
			} else {
				out = diffValues(eo[k], ao[k], where+"."+k, out)
			}
		}
		for _, k := range sortedKeys(ao) {
			if _, ok := eo[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: unexpected (got %s)", where, k, show(ao[k], true)))
			}
		}
	default:
		out = append(out, fmt.Sprintf("%s: expected %s, got %s", where, show(exp, true), show(act, true)))
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compareStep compares one response with its golden entry (oracle.js's
// compareStep): the difference lines (none when the step passes) and a
// note for lenient passes.
func compareStep(st oracleStep, golden oracleGoldenStep, got oracleResponse) (lines []string, note string) {
	expErr := golden.HasBody && isErrorBody(golden.Status, golden.Body)
	if st.Any4xx && !st.StrictError && golden.Status >= 400 && golden.Status < 500 {
		if why := any4xxProblem(got); why != "" {
			return []string{why}, ""
		}
		if got.Status != golden.Status {
			return nil, fmt.Sprintf("any4xx: %d where the golden has %d", got.Status, golden.Status)
		}
		return nil, ""
	}
	lenient := !st.StrictError && (golden.Status >= 500 || (st.Accept4xx && golden.Status < 400))
	errorShaped := isErrorBody(got.Status, got.Body)
	if got.Method == http.MethodHead {
		errorShaped = !got.HasBody
	}
	if lenient && got.Status >= 400 && got.Status < 500 && errorShaped {
		return nil, fmt.Sprintf("%d where LB3 answered %d", got.Status, golden.Status)
	}
	if golden.Status != got.Status {
		lines = append(lines, fmt.Sprintf("status: expected %d, got %d", golden.Status, got.Status))
	}
	if expErr {
		if !isErrorBody(got.Status, got.Body) {
			lines = append(lines, "body: expected an LB3 error object {\"error\":{...}}, got "+show(got.Body, got.HasBody))
			return lines, ""
		}
		ge := golden.Body.(map[string]any)["error"].(map[string]any)
		ae := got.Body.(map[string]any)["error"].(map[string]any)
		keys := []string{"statusCode", "name"}
		if st.StrictError {
			keys = sortedKeys(ge)
		}
		for _, k := range keys {
			ev, eok := ge[k]
			av, aok := ae[k]
			if eok != aok || (eok && stable(ev) != stable(av)) {
				if !eok || !aok {
					lines = append(lines, fmt.Sprintf("body.error.%s: expected %s, got %s", k, show(ev, eok), show(av, aok)))
				} else {
					lines = diffValues(ev, av, "body.error."+k, lines)
				}
			}
		}
		return lines, ""
	}
	ignore := map[string]bool{}
	for _, k := range st.Ignore {
		ignore[k] = true
	}
	if golden.HasBody != got.HasBody {
		lines = append(lines, fmt.Sprintf("body: expected %s, got %s", show(golden.Body, golden.HasBody), show(got.Body, got.HasBody)))
		return lines, ""
	}
	if !golden.HasBody {
		return lines, ""
	}
	e, a := canon(golden.Body, ignore), canon(got.Body, ignore)
	if ea, ok := e.([]any); ok && st.Unordered {
		if aa, ok := a.([]any); ok {
			e, a = sortedByStable(ea), sortedByStable(aa)
		}
	}
	return diffValues(e, a, "body", lines), ""
}

func sortedByStable(xs []any) []any {
	out := append([]any(nil), xs...)
	sort.Slice(out, func(i, j int) bool { return stable(out[i]) < stable(out[j]) })
	return out
}

// any4xxProblem says why a response is not a 4xx error in LB3's shape, or
// "" when it is.
func any4xxProblem(got oracleResponse) string {
	if got.Status < 400 || got.Status >= 500 {
		return fmt.Sprintf("status: expected any 4xx, got %d", got.Status)
	}
	if got.Method == http.MethodHead {
		if got.HasBody {
			return "body: expected none for HEAD, got " + show(got.Body, true)
		}
		return ""
	}
	if !isErrorBody(got.Status, got.Body) {
		return fmt.Sprintf("body: expected an LB3 error object {\"error\":{\"statusCode\":%d,\"message\":...}}, got %s",
			got.Status, show(got.Body, got.HasBody))
	}
	e := got.Body.(map[string]any)["error"].(map[string]any)
	if sc, _ := e["statusCode"].(float64); int(sc) != got.Status {
		return fmt.Sprintf("body.error.statusCode: expected %d (the status), got %s", got.Status, show(e["statusCode"], true))
	}
	if m, _ := e["message"].(string); m == "" {
		return "body.error.message: expected a non-empty string, got " + show(e["message"], true)
	}
	return ""
}

// Unit tests of the port, after shared/oracle/test/compare.test.js.

func TestOracleCompareStep(t *testing.T) {
	js := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	res := func(status int, body string) oracleResponse {
		if body == "" {
			return oracleResponse{Method: "GET", Status: status}
		}
		return oracleResponse{Method: "GET", Status: status, Body: js(body), HasBody: true}
	}
	golden := func(status int, body string) oracleGoldenStep {
		if body == "" {
			return oracleGoldenStep{Method: "GET", Status: status}
		}
		return oracleGoldenStep{Method: "GET", Status: status, Body: js(body), HasBody: true}
	}
	head := func(r oracleResponse) oracleResponse { r.Method = "HEAD"; return r }
	tests := []struct {
		name     string
		step     oracleStep
		golden   oracleGoldenStep
		got      oracleResponse
		pass     bool
		wantLine string // first difference line, when given
	}{
		{"key order ignored", oracleStep{}, golden(200, `[{"a":1,"b":{"c":2,"d":3}},{"a":2}]`), res(200, `[{"b":{"d":3,"c":2},"a":1},{"a":2}]`), true, ""},
		{"array order counts", oracleStep{}, golden(200, `[{"a":1},{"a":2}]`), res(200, `[{"a":2},{"a":1}]`), false, ""},
		{"unordered", oracleStep{Unordered: true}, golden(200, `[{"a":1},{"a":2}]`), res(200, `[{"a":2},{"a":1}]`), true, ""},
		{"status", oracleStep{}, golden(200, `[]`), res(201, `[]`), false, "status: expected 200, got 201"},
		{"paths of differences", oracleStep{}, golden(200, `{"a":1,"b":2}`), res(200, `{"a":3,"c":4}`), false, "body.a: expected 1, got 3"},
		{"dates as instants", oracleStep{}, golden(200, `{"at":"2020-01-02T03:04:05.000Z"}`), res(200, `{"at":"2020-01-02T03:04:05Z"}`), true, ""},
		{"dates with offsets", oracleStep{}, golden(200, `{"at":"2020-01-02T03:04:05.000Z"}`), res(200, `{"at":"2020-01-02T04:04:05+01:00"}`), true, ""},
		{"different instants", oracleStep{}, golden(200, `{"at":"2020-01-02T03:04:05.000Z"}`), res(200, `{"at":"2020-01-02T03:04:06Z"}`), false, ""},
		{"ignored keys", oracleStep{Ignore: []string{"createdAt"}}, golden(200, `[{"id":1,"createdAt":"x","rel":{"createdAt":"y"}}]`),
			res(200, `[{"id":1,"createdAt":"z","rel":{"createdAt":"w"}}]`), true, ""},
		{"ignored keys must be present", oracleStep{Ignore: []string{"createdAt"}}, golden(200, `[{"id":1,"createdAt":"x"}]`),
			res(200, `[{"id":1}]`), false, ""},
		{"errors compare status and name", oracleStep{}, golden(404, `{"error":{"statusCode":404,"name":"Error","message":"a"}}`),
			res(404, `{"error":{"statusCode":404,"name":"Error","message":"b"}}`), true, ""},
		{"error name counts", oracleStep{}, golden(404, `{"error":{"statusCode":404,"name":"Error","message":"a"}}`),
			res(404, `{"error":{"statusCode":404,"name":"NotFound","message":"a"}}`), false, ""},
		{"strictError compares messages", oracleStep{StrictError: true}, golden(404, `{"error":{"statusCode":404,"name":"Error","message":"a"}}`),
			res(404, `{"error":{"statusCode":404,"name":"Error","message":"b"}}`), false, ""},
		{"error shape required", oracleStep{}, golden(404, `{"error":{"statusCode":404,"name":"Error","message":"a"}}`),
			res(404, `{"message":"a"}`), false, ""},
		{"4xx for a 5xx", oracleStep{}, golden(500, `{"error":{"statusCode":500,"message":"Internal Server Error"}}`),
			res(400, `{"error":{"statusCode":400,"name":"Error","message":"bad include"}}`), true, ""},
		{"no 4xx for a 5xx with strictError", oracleStep{StrictError: true}, golden(500, `{"error":{"statusCode":500,"message":"Internal Server Error"}}`),
			res(400, `{"error":{"statusCode":400,"name":"E","message":"x"}}`), false, ""},
		{"200 is no answer to a 5xx", oracleStep{}, golden(500, `{"error":{"statusCode":500,"message":"Internal Server Error"}}`), res(200, `[]`), false, ""},
		{"HEAD 404 for a 5xx", oracleStep{}, golden(500, ""), head(res(404, "")), true, ""},
		{"accept4xx takes a 4xx", oracleStep{Accept4xx: true}, golden(200, `[]`), res(400, `{"error":{"statusCode":400,"name":"Error","message":"x"}}`), true, ""},
		{"accept4xx takes the 200", oracleStep{Accept4xx: true}, golden(200, `[]`), res(200, `[]`), true, ""},
		{"accept4xx is not for 4xx goldens", oracleStep{Accept4xx: true}, golden(404, `{"error":{"statusCode":404,"name":"Error","message":"x"}}`),
			res(400, `{"error":{"statusCode":400,"name":"Error","message":"x"}}`), false, ""},
		{"any4xx", oracleStep{Any4xx: true}, golden(400, `{"error":{"statusCode":400,"name":"Error","message":"x"}}`),
			res(422, `{"error":{"statusCode":422,"name":"ValidationError","message":"y"}}`), true, ""},
		{"any4xx wants a 4xx", oracleStep{Any4xx: true}, golden(400, `{"error":{"statusCode":400,"name":"Error","message":"x"}}`),
			res(200, `[]`), false, "status: expected any 4xx, got 200"},
		{"any4xx wants the status in the body", oracleStep{Any4xx: true}, golden(400, `{"error":{"statusCode":400,"name":"Error","message":"x"}}`),
			res(400, `{"error":{"statusCode":500,"name":"Error","message":"x"}}`), false, "body.error.statusCode: expected 400 (the status), got 500"},
		{"any4xx wants a message", oracleStep{Any4xx: true}, golden(400, `{"error":{"statusCode":400,"name":"Error","message":"x"}}`),
			res(400, `{"error":{"statusCode":400,"name":"Error"}}`), false, ""},
		{"any4xx only widens 4xx goldens", oracleStep{Any4xx: true}, golden(200, `[]`),
			res(400, `{"error":{"statusCode":400,"name":"Error","message":"x"}}`), false, ""},
		{"no body expected", oracleStep{}, golden(204, ""), res(204, ""), true, ""},
		{"body where none expected", oracleStep{}, golden(204, ""), res(204, `{}`), false, ""},
		{"null body", oracleStep{}, golden(200, "null"), res(200, "null"), true, ""},
		{"null is not {}", oracleStep{}, golden(200, "null"), res(200, "{}"), false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, _ := compareStep(tc.step, tc.golden, tc.got)
			if (len(lines) == 0) != tc.pass {
				t.Fatalf("lines = %q, want pass = %v", lines, tc.pass)
			}
			if tc.wantLine != "" && (len(lines) == 0 || lines[0] != tc.wantLine) {
				t.Fatalf("lines = %q, want first %q", lines, tc.wantLine)
			}
		})
	}
}

func TestOracleStepTarget(t *testing.T) {
	tests := []struct {
		name string
		step oracleStep
		want string
	}{
		{"space encoded, brackets kept", oracleStep{Path: "/a?filter[where][name]=a b"}, "/a?filter[where][name]=a%20b"},
		{"JSON in the path", oracleStep{Path: `/a?filter={"x":1}`}, "/a?filter=%7B%22x%22:1%7D"},
		{"query object", oracleStep{Path: "/a", Query: json.RawMessage(`{"filter": {"where": {"n": "x&y"}}, "k": "v"}`)},
			"/a?filter=%7B%22where%22:%7B%22n%22:%22x%26y%22%7D%7D&k=v"},
		{"percent kept", oracleStep{Path: "/people?filter[where][name][like]=Al%"}, "/people?filter[where][name][like]=Al%"},
		{"non-ascii", oracleStep{Path: "/a?x=é"}, "/a?x=%C3%A9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stepTarget(tc.step); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOracleCanonDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2020-01-01T00:00:00Z", "2020-01-01T00:00:00.000Z", true},
		{"2020-01-01T00:00Z", "2020-01-01T00:00:00.000Z", true},
		{"2020-01-01T00:00:00.123456Z", "2020-01-01T00:00:00.123Z", true},
		{"2020-01-01T01:00:00+0100", "2020-01-01T00:00:00.000Z", true},
		{"2020-01-01", "", false},
		{"hello", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := canonDate(tc.in)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("canonDate(%q) = %q %v", tc.in, got, ok)
			}
		})
	}
	if !reflect.DeepEqual(canon(map[string]any{"a": "2020-01-01T00:00:00Z", "b": "x"}, map[string]bool{"b": true}),
		map[string]any{"a": "2020-01-01T00:00:00.000Z", "b": "<ignored>"}) {
		t.Fatal("canon")
	}
}
