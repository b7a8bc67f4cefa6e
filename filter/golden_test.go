package filter

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// goldenCases are printed, with what Parse makes of them, into
// testdata/parse.golden. An input starting with "?" is a query string (run
// through ParseQuery and ParseParam on its filter parameter), anything else
// is a JSON filter.
var goldenCases = []struct{ model, input string }{
	{"Customer", `{}`},
	{"Customer", `{"where":{"age":{"gt":21},"name":{"like":"A%"}}}`},
	{"Customer", `{"where":{"or":[{"vip":true},{"age":{"between":["18","30"]}}]},"order":"age DESC, name","limit":10,"skip":"20"}`},
	{"Customer", `{"where":{"createdAt":{"gte":"2020-01-01","lt":"2021-01-01T00:00:00+01:00"}}}`},
	{"Customer", `{"where":{"tags":{"inq":["a","b"]},"address.zip":{"nin":["75001",75002]},"emails.primary":"1"}}`},
	{"Customer", `{"where":{"name":{"regexp":"/^a/i"},"meta.floor":{"neq":null},"level":{"ilike":"h_gh"}}}`},
	{"Customer", `{"where":{"loc":{"near":{"lat":48.85,"lng":2.35},"maxDistance":5,"unit":"kilometers"}}}`},
	{"Customer", `{"where":{"orders":{"some":{"total":{"gt":100},"customer.vip":true},"none":{"items":{"some":{"qty":0}}}}}}`},
	{"Customer", `{"where":{"profile":{"bio":{"nlike":"%spam%"}}},"order":["profile.bio ASC","orders.total DESC"]}`},
	{"Item", `{"where":{"order.customer.address.city":"Paris"},"order":"order.placed DESC"}`},
	{"Customer", `{"fields":{"name":true,"age":"false","vip":false},"include":["profile",{"orders":{"items":"order"}}]}`},
	{"Customer", `{"fields":{"secret":false,"photo":false},"include":{"relation":"orders","scope":{"where":{"total":{"gt":"5"}},"order":"total","limit":"2","include":"items"}}}`},
	{"Customer", `{"include":["audits",{"favs":true}]}`},
	{"Customer", `{"where":{"age":{"gt":9,"lt":40}}}`},
	{"Customer", `{"where":{"and":[]},"limit":0,"offset":3}`},
	{"Customer", `?filter[where][age][gt]=21&filter[where][name][inq]=Ann&filter[where][name][inq]=Bob&filter[order]=age%20DESC&filter[limit]=2`},
	{"Customer", `?filter[where][or][0][vip]=true&filter[where][or][1][and][0][age][lt]=18&filter[where][or][1][and][1][tags]=kid`},
	{"Customer", `?filter[fields][name]=true&filter[fields][age]=false&filter[include][orders]=items&filter[include]=profile`},
	{"Customer", `?filter={"where":{"createdAt":{"between":["2020-01-01","2020-12-31"]}}}`},
	// errors
	{"Customer", `{"where":{"age":{"foo":1}}}`},
	{"Customer", `{"where":{"orders.total":{"gt":1}}}`},
	{"Order", `{"where":{"customer":{"every":{"vip":true}}}}`},
	{"Customer", `{"include":{"orders":"nope"}}`},
	{"Customer", `{"order":"name SIDEWAYS"}`},
	{"Customer", `?filter[limit]=-1`},
	{"Customer", `?filter={"where":{"name":"Ada"}`},
	{"Customer", `{"where":{"secret":"x"}}`},
}

func TestParse_Golden(t *testing.T) {
	set := testSet()
	var b strings.Builder
	for _, c := range goldenCases {
		fmt.Fprintf(&b, "%s %s\n", c.model, c.input)
		var f *Filter
		var err error
		if strings.HasPrefix(c.input, "?") {
			var q map[string]any
			if q, err = ParseQuery(c.input); err == nil {
				var raw map[string]any
				if raw, _, err = ParseParam(q["filter"]); err == nil {
					f, err = Parse(raw, set.Models[c.model], set)
				}
			}
		} else {
			f, err = Parse(mustJSON(t, c.input), set.Models[c.model], set)
		}
		if err != nil {
			fe := asError(t, err)
			fmt.Fprintf(&b, "=> error %s at %q: %s\n\n", fe.Code, fe.Path, fe.Message)
		} else {
			fmt.Fprintf(&b, "=> %s\n\n", f)
		}
	}
	const path = "testdata/parse.golden"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestParse_Golden -update)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("parse output differs from %s (rerun with -update and review the diff):\n%s", path, diffLines(string(want), got))
	}
}

// diffLines lists the lines that differ between two texts.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			out = append(out, fmt.Sprintf("line %d\n- %s\n+ %s", i+1, wl, gl))
		}
	}
	return strings.Join(out, "\n")
}
