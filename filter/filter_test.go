package filter

import (
	"testing"
	"time"
)

func TestParse_Paging(t *testing.T) {
	set := testSet()
	m := set.Models["Customer"]
	cases := []struct {
		name, filter string
		limit, skip  int
		code, path   string
		msg          string
	}{
		{"none", `{}`, 0, 0, "", "", ""},
		{"limit", `{"limit":2}`, 2, 0, "", "", ""},
		{"limit string", `{"limit":"2"}`, 2, 0, "", "", ""},
		{"limit zero is unlimited", `{"limit":0}`, 0, 0, "", "", ""},
		{"limit empty string is unlimited", `{"limit":""}`, 0, 0, "", "", ""},
		{"limit null", `{"limit":null}`, 0, 0, "", "", ""},
		{"limit false", `{"limit":false}`, 0, 0, "", "", ""},
		{"skip without limit is not capped", `{"skip":3}`, 0, 3, "", "", ""},
		{"offset", `{"offset":"4"}`, 0, 4, "", "", ""},
		{"string skip 0", `{"skip":"0"}`, 0, 0, "", "", ""},
		{"skip 0 is not", `{"skip":0}`, 0, 0, "", "", ""},
		{"limit 0 with skip", `{"limit":0,"skip":2}`, 0, 2, "", "", ""},
		{"skip wins over offset", `{"skip":1,"offset":5}`, 0, 1, "", "", ""},
		{"offset when skip is 0", `{"skip":0,"offset":5}`, 0, 5, "", "", ""},
		{"skip with limit", `{"skip":"1","limit":"3"}`, 3, 1, "", "", ""},
		{"large", `{"limit":9007199254740991}`, MaxPaging, 0, "", "", ""},
		{"limit negative", `{"limit":-1}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter -1 is not valid`},
		{"limit negative string", `{"limit":"-1"}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter "-1" is not valid`},
		{"limit fraction", `{"limit":1.5}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter 1.5 is not valid`},
		{"limit abc", `{"limit":"abc"}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter "abc" is not valid`},
		{"limit string zero", `{"limit":"0"}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter "0" is not valid`},
		{"limit true", `{"limit":true}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter true is not valid`},
		{"limit array", `{"limit":[5]}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter [5] is not valid`},
		{"limit too large", `{"limit":1e300}`, 0, 0, CodeInvalidLimit, "limit", `The limit parameter 1e+300 is not valid`},
		{"skip abc", `{"skip":"abc"}`, 0, 0, CodeInvalidSkip, "skip", `The offset/skip parameter "abc" is not valid`},
		{"skip negative", `{"skip":-2}`, 0, 0, CodeInvalidSkip, "skip", `The offset/skip parameter -2 is not valid`},
		{"offset fraction", `{"offset":0.5}`, 0, 0, CodeInvalidSkip, "offset", `The offset/skip parameter 0.5 is not valid`},
		{"skip object", `{"skip":{}}`, 0, 0, CodeInvalidSkip, "skip", `The offset/skip parameter {} is not valid`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(mustJSON(t, c.filter), m, set)
			if c.code != "" {
				fe := asError(t, err)
				if fe.Code != c.code || fe.Path != c.path || fe.Message != c.msg {
					t.Errorf("got  %s at %q: %s\nwant %s at %q: %s", fe.Code, fe.Path, fe.Message, c.code, c.path, c.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Limit != c.limit || f.Skip != c.skip {
				t.Errorf("limit %d skip %d, want %d %d", f.Limit, f.Skip, c.limit, c.skip)
			}
		})
	}
}

func TestParse_TopLevelErrors(t *testing.T) {
	set := testSet()
	cases := []struct {
		name      string
		raw       any
		code, msg string
		path      string
	}{
		{"array", mustJSON(t, `[1]`), CodeInvalidFilter, `The query filter [1] is not an object`, ""},
		{"string", "where", CodeInvalidFilter, `The query filter "where" is not an object`, ""},
		{"unknown key", mustJSON(t, `{"where":{},"count":true}`), CodeUnknownFilterKey,
			`The filter key "count" is not supported; a filter has where, order, limit, skip, offset, fields and include`, "count"},
		{"dollar key", mustJSON(t, `{"where":{"name":{"$regex":"a"}}}`), CodeOperatorNotAllowed, `Operators "$regex" are not allowed in query`, "where.name.$regex"},
		{"unsupported Go value", map[string]any{"where": map[string]any{"name": struct{}{}}}, CodeInvalidFilter,
			`Unsupported value of type struct {} in the filter`, "where.name"},
		{"where not an object", mustJSON(t, `{"where":"x"}`), CodeInvalidWhere, `The where clause "x" is not an object`, "where"},
		{"where error path", mustJSON(t, `{"where":{"or":[{"age":{"gt":"x"}}]}}`), CodeInvalidValue,
			`The age property has invalid clause {"gt":"x"}: "x" is not a number`, "where.or[0].age.gt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.raw, set.Models["Customer"], set)
			fe := asError(t, err)
			if fe.Code != c.code || fe.Message != c.msg || fe.Path != c.path {
				t.Errorf("got  %s at %q: %s\nwant %s at %q: %s", fe.Code, fe.Path, fe.Message, c.code, c.path, c.msg)
			}
		})
	}
}

func TestParse_NilAndGoValues(t *testing.T) {
	set := testSet()
	f, err := Parse(nil, set.Models["Customer"], set)
	if err != nil || f.Where != nil || f.Limit != 0 || f.Fields != nil || f.String() != "{}" {
		t.Fatalf("nil filter: %v %v", f, err)
	}
	// A Go program may build filters with Go types.
	f, err = Parse(map[string]any{
		"where":  map[string]any{"age": map[string]int{"gt": 3}, "createdAt": map[string]any{"lt": time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}},
		"order":  []string{"age DESC"},
		"limit":  int64(5),
		"fields": []string{"name"},
	}, set.Models["Customer"], set)
	if err != nil {
		t.Fatal(err)
	}
	want := `{where: and(age gt 3, createdAt lt date(2020-01-01T00:00:00Z)); order: age DESC; limit: 5; fields: name}`
	if got := f.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParse_EmptyQueryStringValues(t *testing.T) {
	// filter[where]=, filter[include]=, filter[order]=, filter[fields]=,
	// filter[limit]= all mean "not given", as in LoopBack.
	set := testSet()
	q, _ := ParseQuery("filter[where]=&filter[include]=&filter[order]=&filter[fields]=&filter[limit]=&filter[skip]=")
	f, err := Parse(q["filter"], set.Models["Customer"], set)
	if err != nil || f.String() != "{}" {
		t.Fatalf("got %v %v", f, err)
	}
	if n, err := ParseWhere("", set.Models["Customer"], set); n != nil || err != nil {
		t.Fatalf("ParseWhere(\"\") = %v %v", n, err)
	}
}

func TestParse_Concurrent(t *testing.T) {
	// Parsing and matching share the models and the parsed filter; run
	// with -race.
	set := testSet()
	raw := mustJSON(t, `{"where":{"or":[{"name":{"like":"A%"}},{"address.zip":{"gt":"1"}}],"tags":"a"},"order":"profile.bio","fields":["name"],"include":{"orders":"items"}}`)
	f, err := Parse(raw, set.Models["Customer"], set)
	if err != nil {
		t.Fatal(err)
	}
	recs := matchRecords()
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var err error
			for i := 0; i < 50 && err == nil; i++ {
				var f2 *Filter
				if f2, err = Parse(raw, set.Models["Customer"], set); err == nil && f2.String() != f.String() {
					t.Errorf("parse differs: %s", f2)
				}
				for _, r := range recs {
					if _, err = Match(f.Where, r, nil); err != nil {
						break
					}
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
