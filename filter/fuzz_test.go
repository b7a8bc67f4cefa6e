package filter

import (
	"encoding/json"
	"errors"
	"sort"
	"testing"
)

// fuzzRecords are evaluated against every filter the fuzzers parse.
func fuzzRecords() []map[string]any {
	recs := matchRecords()
	recs = append(recs, map[string]any{}, map[string]any{"name": nil, "tags": []any{[]any{}, nil, map[string]any{}}})
	return recs
}

// exercise parses raw for every model of the fixture and evaluates the
// filters; it fails on a panic (by crashing) or on an error that is not an
// *Error.
func exercise(t *testing.T, raw any) {
	set := testSet()
	recs := fuzzRecords()
	for _, name := range set.Order {
		m := set.Models[name]
		f, err := Parse(raw, m, set)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Code == "" || fe.Message == "" {
				t.Fatalf("Parse error is not a complete *Error: %#v", err)
			}
			continue
		}
		_ = f.String()
		for _, r := range recs {
			if _, err := Match(f.Where, r, allResolver{}); err != nil {
				t.Fatalf("Match: %v", err)
			}
			f.Fields.Apply(r)
		}
		sort.SliceStable(recs, func(i, j int) bool { return CompareRecords(f.Order, recs[i], recs[j]) < 0 })
		if c := FindNear(f.Where); c != nil {
			c.Distance(recs[0])
		}
	}
}

// allResolver answers true to every relation condition.
type allResolver struct{}

func (allResolver) MatchRelation(map[string]any, *RelCond) (bool, error) { return true, nil }

func FuzzParseJSON(f *testing.F) {
	for _, c := range goldenCases {
		if c.input[0] == '{' {
			f.Add([]byte(c.input))
		}
	}
	f.Add([]byte(`{"where":{"and":{"0":{"a":{"inq":{"0":1}}}}}}`))
	f.Add([]byte(`{"where":{"matrix.0.1":{"between":[1,"2"]}},"order":"matrix.0 DESC"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var raw any
		if json.Unmarshal(data, &raw) != nil {
			return
		}
		exercise(t, raw)
		if obj, ok := raw.(map[string]any); ok {
			Merge(obj, obj)
			set := testSet()
			_, _ = ParseWhere(obj["where"], set.Models["Customer"], set)
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, c := range goldenCases {
		if c.input[0] == '?' {
			f.Add(c.input[1:])
		}
	}
	f.Add("a[0]=1&a[b]=2&a=3&a[]=4&a[1001]=5")
	f.Add("filter[where][a.b][like]=%25x_&filter[fields]=a&filter[fields]=b")
	f.Fuzz(func(t *testing.T, q string) {
		params, err := ParseQuery(q)
		if err != nil {
			return
		}
		for _, key := range []string{"filter", "where"} {
			raw, _, err := ParseParam(params[key])
			if err != nil {
				continue
			}
			exercise(t, raw)
		}
	})
}
