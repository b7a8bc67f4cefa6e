package filter

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	cases := []struct {
		name, query, scope, want string
	}{
		{"nil scope", `{"limit":1}`, ``, `{"limit":1}`},
		{"nil query", ``, `{"where":{"a":1}}`, `{"where":{"a":1}}`},
		{"wheres AND-ed query first", `{"where":{"a":1}}`, `{"where":{"b":2}}`, `{"where":{"and":[{"a":1},{"b":2}]}}`},
		{"empty query where", `{"where":{}}`, `{"where":{"b":2}}`, `{"where":{"b":2}}`},
		{"empty scope where", `{"where":{"a":1}}`, `{"where":{}}`, `{"where":{"a":1}}`},
		{"scope limit overrides", `{"limit":10}`, `{"limit":2}`, `{"limit":2}`},
		{"scope skip and offset override", `{"skip":1,"offset":2}`, `{"skip":5,"offset":6}`, `{"skip":5,"offset":6}`},
		{"query limit kept without scope limit", `{"limit":10}`, `{"where":{"a":1}}`, `{"limit":10,"where":{"a":1}}`},
		{"scope order when query has none", `{}`, `{"order":"age DESC"}`, `{"order":"age DESC"}`},
		{"query order wins", `{"order":"name"}`, `{"order":"age DESC"}`, `{"order":"name"}`},
		{"scope fields replace", `{"fields":["a"]}`, `{"fields":{"b":true}}`, `{"fields":{"b":true}}`},
		{"scope include alone", `{}`, `{"include":"orders"}`, `{"include":"orders"}`},
		{"query include alone", `{"include":"orders"}`, `{}`, `{"include":"orders"}`},
		{"includes merged, scope first", `{"include":["profile","orders"]}`, `{"include":"items"}`,
			`{"include":[{"items":true},{"profile":true},{"orders":true}]}`},
		{"scope entry wins", `{"include":{"relation":"os","scope":{"where":{"t":2}}}}`, `{"include":{"relation":"os","scope":{"where":{"t":1}}}}`,
			`{"include":[{"relation":"os","scope":{"where":{"t":1}}}]}`},
		{"object includes split by key", `{"include":{"a":true,"b":"x"}}`, `{"include":{"b":"y"}}`,
			`{"include":[{"b":"y"},{"a":true}]}`},
		{"other query keys kept", `{"custom":1}`, `{"limit":2}`, `{"custom":1,"limit":2}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var q, s map[string]any
			if c.query != "" {
				q = mustJSON(t, c.query).(map[string]any)
			}
			if c.scope != "" {
				s = mustJSON(t, c.scope).(map[string]any)
			}
			qBefore, sBefore := jsonString(q), jsonString(s)
			got := Merge(q, s)
			if !reflect.DeepEqual(any(got), mustJSON(t, c.want)) {
				t.Errorf("got %s, want %s", jsonString(got), c.want)
			}
			if jsonString(q) != qBefore || jsonString(s) != sBefore {
				t.Error("Merge modified its inputs")
			}
		})
	}
}

func TestMerge_ParsesAsLoopBack(t *testing.T) {
	// A named scope with limit 2 wins over the caller's limit 10, and its
	// where is AND-ed (features.md §1.12, Appendix A #22).
	set := testSet()
	merged := Merge(map[string]any{"limit": "10", "where": map[string]any{"name": "Ann"}},
		map[string]any{"limit": 2.0, "where": map[string]any{"age": map[string]any{"gte": 18.0}}})
	f, err := Parse(merged, set.Models["Customer"], set)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.String(), `{where: and(name eq "Ann", age gte 18); limit: 2}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
