package filter

import (
	"fmt"
	"math/rand"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	cases := []struct {
		name, query, want string // want is JSON
	}{
		// features.md §4.3
		{"where eq", "filter[where][name]=Ann", `{"filter":{"where":{"name":"Ann"}}}`},
		{"where operator", "filter[where][age][gt]=20", `{"filter":{"where":{"age":{"gt":"20"}}}}`},
		{"fields object", "filter[fields][name]=true", `{"filter":{"fields":{"name":"true"}}}`},
		{"fields repeated", "filter[fields]=name&filter[fields]=age", `{"filter":{"fields":["name","age"]}}`},
		{"order %20", "filter[order]=age%20DESC", `{"filter":{"order":"age DESC"}}`},
		{"order plus", "filter[order]=age+DESC", `{"filter":{"order":"age DESC"}}`},
		{"order raw space", "filter[order]=age DESC", `{"filter":{"order":"age DESC"}}`},
		{"limit skip offset", "filter[limit]=2&filter[skip]=4&filter[offset]=4", `{"filter":{"limit":"2","skip":"4","offset":"4"}}`},
		{"include", "filter[include]=orders", `{"filter":{"include":"orders"}}`},
		{"include repeated", "filter[include]=orders&filter[include]=profile", `{"filter":{"include":["orders","profile"]}}`},
		{"include object", "filter[include][orders]=items", `{"filter":{"include":{"orders":"items"}}}`},
		{"inq repeated", "filter[where][name][inq]=A&filter[where][name][inq]=B", `{"filter":{"where":{"name":{"inq":["A","B"]}}}}`},
		{"inq indexed", "filter[where][name][inq][0]=A&filter[where][name][inq][1]=B", `{"filter":{"where":{"name":{"inq":["A","B"]}}}}`},
		{"or indexed", "filter[where][or][0][name]=Ann&filter[where][or][1][age]=17", `{"filter":{"where":{"or":[{"name":"Ann"},{"age":"17"}]}}}`},
		{"like percent", "filter[where][name][like]=A%25", `{"filter":{"where":{"name":{"like":"A%"}}}}`},
		{"depth beyond 5", "filter[where][and][0][or][0][name]=Bob", `{"filter":{"where":{"and":[{"or":[{"name":"Bob"}]}]}}}`},
		{"where param", "where[age][gt]=20", `{"where":{"age":{"gt":"20"}}}`},
		{"json param", `filter={"where":{"a":1}}`, `{"filter":"{\"where\":{\"a\":1}}"}`},
		{"json param encoded", "filter=%7B%22where%22:%7B%22a%22:%5B1,2%5D%7D%7D", `{"filter":"{\"where\":{\"a\":[1,2]}}"}`},
		{"several params", "filter[limit]=1&access_token=x&refresh=true", `{"filter":{"limit":"1"},"access_token":"x","refresh":"true"}`},
		// qs details
		{"leading question mark", "?a=1", `{"a":"1"}`},
		{"no value", "a", `{"a":""}`},
		{"empty value", "a=", `{"a":""}`},
		{"empty key skipped", "=x&b=1", `{"b":"1"}`},
		{"empty parts skipped", "&&a=1&", `{"a":"1"}`},
		{"equals in value", "a=b=c", `{"a":"b=c"}`},
		{"bracket equals", "a[b]=c=d", `{"a":{"b":"c=d"}}`},
		{"index gaps compacted", "a[1]=x&a[3]=y", `{"a":["x","y"]}`},
		{"index order", "a[2]=z&a[0]=x", `{"a":["x","z"]}`},
		{"index limit", "a[1000]=x", `{"a":["x"]}`},
		{"index above limit", "a[1001]=x", `{"a":{"1001":"x"}}`},
		{"non-canonical index", "a[01]=x", `{"a":{"01":"x"}}`},
		{"negative index", "a[-1]=x", `{"a":{"-1":"x"}}`},
		{"push", "a[]=x&a[]=y", `{"a":["x","y"]}`},
		{"push one", "a[]=x", `{"a":["x"]}`},
		{"push then index", "a[]=1&a[0]=2", `{"a":["1","2"]}`},
		{"objects in array", "a[0][b]=1&a[0][c]=2&a[1][b]=3", `{"a":[{"b":"1","c":"2"},{"b":"3"}]}`},
		{"repeated index", "a[0]=1&a[0]=2", `{"a":[["1","2"]]}`},
		{"scalar then object", "a=1&a[b]=2", `{"a":["1",{"b":"2"}]}`},
		{"object then scalar", "a[b]=1&a=2", `{"a":{"b":"1","2":true}}`},
		{"array then object", "a[0]=x&a[b]=y", `{"a":{"0":"x","b":"y"}}`},
		{"encoded brackets", "a%5Bb%5D=c", `{"a":{"b":"c"}}`},
		{"no parent", "[x]=1", `{"x":"1"}`},
		{"nested bracket", "a[b[c]]=1", `{"a[b":{"c":"1"}}`},
		{"text between groups dropped", "a[b]c[d]=1", `{"a":{"b":{"d":"1"}}}`},
		{"unclosed bracket", "a[b=1", `{"a[b":"1"}`},
		{"proto parent", "__proto__[x]=1", `{}`},
		{"proto child", "a[__proto__]=1&a[b]=2", `{"a":{"b":"2"}}`},
		{"utf-8", "a=caf%C3%A9", `{"a":"café"}`},
		{"plus in key", "a+b=c+d", `{"a b":"c d"}`},
		{"encoded plus", "a=1%2B1", `{"a":"1+1"}`},
		{"malformed escape kept", "a=100%", `{"a":"100%"}`},
		{"malformed escape kept with plus", "a=x+100%", `{"a":"x 100%"}`},
		{"truncated escape kept", "a=%E0%A4%A", `{"a":"%E0%A4%A"}`},
		{"invalid utf-8 kept", "a=%FF", `{"a":"%FF"}`},
		{"split utf-8 kept", "a=%C3x%A9", `{"a":"%C3x%A9"}`},
		{"push with an empty value", "a[]=x&a[]", `{"a":["x",""]}`},
		{"empty", "", `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			if want := mustJSON(t, c.want); !reflect.DeepEqual(any(got), want) {
				t.Errorf("ParseQuery(%q)\n got: %s\nwant: %s", c.query, jsonString(got), c.want)
			}
		})
	}
}

func TestParseQuery_TooManyParameters(t *testing.T) {
	q := strings.Repeat("a=1&", MaxQueryParams)
	if _, err := ParseQuery(q); err != nil {
		t.Fatalf("%d parameters refused: %v", MaxQueryParams, err)
	}
	_, err := ParseQuery(q + "b=2")
	if fe := asError(t, err); fe.Code != CodeTooManyParameters || fe.Message != "The query string has more than 1000 parameters" {
		t.Fatalf("got %s %q", fe.Code, fe.Message)
	}
}

// randomTree builds a random nested value of objects, non-empty arrays and
// strings, as a query string can carry it.
func randomTree(r *rand.Rand, depth int) any {
	alphabet := []rune("ab xyz%+&=?#/é\"'{},.-_~09")
	str := func(min int) string {
		n := min + r.Intn(5)
		out := make([]rune, n)
		for i := range out {
			out[i] = alphabet[r.Intn(len(alphabet))]
		}
		return string(out)
	}
	key := func() string {
		for {
			k := str(1)
			if _, isIndex := arrayIndex(k); !isIndex && k != "__proto__" {
				return k
			}
		}
	}
	switch {
	case depth >= 6 || r.Intn(3) == 0:
		return str(0)
	case r.Intn(2) == 0:
		n := 1 + r.Intn(4)
		arr := make([]any, n)
		for i := range arr {
			arr[i] = randomTree(r, depth+1)
		}
		return arr
	}
	obj := map[string]any{}
	for i := 1 + r.Intn(4); i > 0; i-- {
		obj[key()] = randomTree(r, depth+1)
	}
	return obj
}

// encodeTree writes the bracket form of v under prefix, in a random
// parameter order (the result must not depend on it for objects).
func encodeTree(prefix string, v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, prefix+"="+url.QueryEscape(x))
	case []any:
		for i, e := range x {
			encodeTree(fmt.Sprintf("%s[%d]", prefix, i), e, out)
		}
	case map[string]any:
		for k, e := range x {
			encodeTree(prefix+"["+url.QueryEscape(k)+"]", e, out)
		}
	}
}

// TestParseQuery_RandomRoundTrip encodes random trees in the bracket syntax
// and checks ParseQuery decodes them back.
func TestParseQuery_RandomRoundTrip(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < 300; i++ {
		tree := map[string]any{}
		for j := 1 + r.Intn(3); j > 0; j-- {
			k := fmt.Sprintf("p%d", j)
			tree[k] = randomTree(r, 0)
		}
		var params []string
		for k, v := range tree {
			encodeTree(k, v, &params)
		}
		// Array items keep their order by index alone: shuffle freely.
		r.Shuffle(len(params), func(a, b int) { params[a], params[b] = params[b], params[a] })
		q := strings.Join(params, "&")
		got, err := ParseQuery(q)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !reflect.DeepEqual(any(got), any(tree)) {
			t.Fatalf("seed %d: query %s\n got: %s\nwant: %s", seed, q, jsonString(got), jsonString(tree))
		}
	}
}
