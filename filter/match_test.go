package filter

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// matchRecords are Customer records covering every type with values, null
// and missing properties.
func matchRecords() []map[string]any {
	return []map[string]any{
		{"id": 1.0, "name": "Ann", "age": 30.0, "vip": true, "createdAt": date("2020-01-01T00:00:00Z"),
			"tags": []any{"a", "b"}, "address": map[string]any{"city": "Paris", "zip": 75001.0},
			"emails": []any{map[string]any{"address": "ann@x.com", "primary": true}, map[string]any{"address": "ann@y.org", "primary": false}},
			"meta":   map[string]any{"floor": 3.0, "tags": []any{"x"}}, "extra": "10", "level": "5",
			"loc": map[string]any{"lat": 48.8566, "lng": 2.3522}, "photo": []byte("hi"),
			"matrix": []any{[]any{1.0, 2.0}, []any{3.0}},
			"prefs":  map[string]any{"theme": "dark", "size": 2.0}, "noteList": []any{map[string]any{"text": "hi", "stars": 5.0}}},
		{"id": 2.0, "name": "bob", "age": 25.0, "vip": false, "createdAt": date("2021-06-01T00:00:00Z"),
			"tags": []any{}, "address": map[string]any{"city": "London"}, "extra": 10.0, "level": 5.0,
			"loc": map[string]any{"lat": 51.5074, "lng": -0.1278}},
		{"id": 3.0, "name": "Cy", "age": nil, "vip": nil, "tags": []any{"b"}, "address": nil, "extra": true,
			"meta": map[string]any{"floor": "3"}, "level": "high"},
		{"id": 4.0, "name": "Dee"},
		{"id": 5.0, "name": "Eve", "age": 41.0, "vip": true, "createdAt": date("2018-07-04T00:00:00Z"),
			"tags": []any{"c"}, "address": map[string]any{"city": "paris", "lines": []any{"1 rue", "2e étage"}},
			"extra": nil, "emails": []any{}},
	}
}

func names(t *testing.T, n Node, recs []map[string]any) string {
	t.Helper()
	var out []string
	for _, r := range recs {
		ok, err := Match(n, r, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			out = append(out, r["name"].(string))
		}
	}
	return strings.Join(out, " ")
}

func TestMatch_Operators(t *testing.T) {
	set := testSet()
	m := set.Models["Customer"]
	recs := matchRecords()
	all := "Ann bob Cy Dee Eve"
	cases := []struct {
		name, where, want string
	}{
		// string
		{"string implicit eq", `{"name":"Ann"}`, "Ann"},
		{"string eq", `{"name":{"eq":"Ann"}}`, "Ann"},
		{"string eq is case-sensitive", `{"name":"ann"}`, ""},
		{"string neq matches the rest", `{"name":{"neq":"Ann"}}`, "bob Cy Dee Eve"},
		{"string gt bytewise", `{"name":{"gt":"Cy"}}`, "bob Dee Eve"},
		{"string gte", `{"name":{"gte":"Cy"}}`, "bob Cy Dee Eve"},
		{"string lt", `{"name":{"lt":"C"}}`, "Ann"},
		{"string lte", `{"name":{"lte":"Cy"}}`, "Ann Cy"},
		{"string between", `{"name":{"between":["B","D"]}}`, "Cy"},
		{"string inq", `{"name":{"inq":["Ann","bob","Zed"]}}`, "Ann bob"},
		{"string nin", `{"name":{"nin":["Ann","bob"]}}`, "Cy Dee Eve"},
		{"string number operand coerced", `{"name":{"inq":[10]}}`, ""},
		{"like unanchored", `{"name":{"like":"n"}}`, "Ann"},
		{"like prefix", `{"name":{"like":"A%"}}`, "Ann"},
		{"like underscore", `{"name":{"like":"_o_"}}`, "bob"},
		{"like dot is a regex wildcard", `{"name":{"like":"b.b"}}`, "bob"},
		{"like invalid regex matched literally", `{"name":{"like":"[a"}}`, ""},
		{"nlike", `{"name":{"nlike":"A%"}}`, "bob Cy Dee Eve"},
		{"ilike", `{"name":{"ilike":"B%"}}`, "bob"},
		{"nilike", `{"name":{"nilike":"%E%"}}`, "Ann bob Cy"},
		{"regexp plain", `{"name":{"regexp":"^[A-C]"}}`, "Ann Cy"},
		{"regexp flags", `{"name":{"regexp":"/^b/i"}}`, "bob"},
		{"regexp g and m flags", `{"name":{"regexp":"/^e/gim"}}`, "Eve"},
		// number
		{"number eq", `{"age":30}`, "Ann"},
		{"number eq numeric string", `{"age":"30"}`, "Ann"},
		{"number gt", `{"age":{"gt":26}}`, "Ann Eve"},
		{"number gt string operand", `{"age":{"gt":"26"}}`, "Ann Eve"},
		{"number gte", `{"age":{"gte":30}}`, "Ann Eve"},
		{"number lt", `{"age":{"lt":30}}`, "bob"},
		{"number lte", `{"age":{"lte":30}}`, "Ann bob"},
		{"number between inclusive", `{"age":{"between":[25,30]}}`, "Ann bob"},
		{"number between strings", `{"age":{"between":["25","30"]}}`, "Ann bob"},
		{"number inq", `{"age":{"inq":[25,41]}}`, "bob Eve"},
		{"number inq strings", `{"age":{"inq":["25"]}}`, "bob"},
		{"number inq empty", `{"age":{"inq":[]}}`, ""},
		{"number nin", `{"age":{"nin":[25,41]}}`, "Ann Cy Dee"},
		{"number nin empty", `{"age":{"nin":[]}}`, all},
		{"number neq matches null and missing", `{"age":{"neq":30}}`, "bob Cy Dee Eve"},
		{"null matches null and missing", `{"age":null}`, "Cy Dee"},
		{"eq null", `{"age":{"eq":null}}`, "Cy Dee"},
		{"neq null", `{"age":{"neq":null}}`, "Ann bob Eve"},
		{"inq null", `{"age":{"inq":[null]}}`, "Cy Dee"},
		{"nin null", `{"age":{"nin":[null]}}`, "Ann bob Eve"},
		{"like on a number", `{"age":{"like":"3%"}}`, "Ann"},
		{"like null as a string", `{"age":{"like":"null"}}`, "Cy"},
		{"like missing as undefined", `{"age":{"like":"undef%"}}`, "Dee"},
		{"nlike everything", `{"age":{"nlike":"%"}}`, ""},
		{"several operators are AND-ed", `{"age":{"gt":20,"lt":40}}`, "Ann bob"},
		{"gt never matches null or missing", `{"age":{"gt":-1000}}`, "Ann bob Eve"},
		// boolean
		{"boolean eq", `{"vip":true}`, "Ann Eve"},
		{"boolean string true", `{"vip":"true"}`, "Ann Eve"},
		{"boolean string 1", `{"vip":"1"}`, "Ann Eve"},
		{"boolean false", `{"vip":false}`, "bob"},
		{"boolean string 0", `{"vip":"0"}`, "bob"},
		{"boolean neq", `{"vip":{"neq":true}}`, "bob Cy Dee"},
		{"boolean gt", `{"vip":{"gt":false}}`, "Ann Eve"},
		{"boolean null", `{"vip":null}`, "Cy Dee"},
		// date
		{"date eq ISO", `{"createdAt":"2020-01-01T00:00:00.000Z"}`, "Ann"},
		{"date eq date only", `{"createdAt":"2020-01-01"}`, "Ann"},
		{"date gt", `{"createdAt":{"gt":"2019-01-01"}}`, "Ann bob"},
		{"date lt millis", `{"createdAt":{"lt":1577836800001}}`, "Ann Eve"},
		{"date between", `{"createdAt":{"between":["2018-01-01","2020-12-31"]}}`, "Ann Eve"},
		{"date inq by instant", `{"createdAt":{"inq":["2021-06-01T02:00:00+02:00"]}}`, "bob"},
		{"date neq", `{"createdAt":{"neq":"2020-01-01"}}`, "bob Cy Dee Eve"},
		{"date null", `{"createdAt":null}`, "Cy Dee"},
		// array of strings
		{"array any element eq", `{"tags":"a"}`, "Ann"},
		{"array neq any element differs", `{"tags":{"neq":"a"}}`, all},
		{"array inq", `{"tags":{"inq":["b","c"]}}`, "Ann Cy Eve"},
		{"array nin", `{"tags":{"nin":["a"]}}`, "Ann Cy Dee Eve"},
		{"array gt", `{"tags":{"gt":"a"}}`, "Ann Cy Eve"},
		{"array like", `{"tags":{"like":"^a$"}}`, "Ann"},
		{"array null only missing", `{"tags":null}`, "Dee"},
		{"array index", `{"tags.0":"a"}`, "Ann"},
		{"array index 1", `{"tags.1":"b"}`, "Ann"},
		{"array of arrays", `{"matrix":3}`, "Ann"},
		{"array of arrays gt", `{"matrix":{"gt":2}}`, "Ann"},
		// nested model
		{"nested path", `{"address.city":"Paris"}`, "Ann"},
		{"nested ilike", `{"address.city":{"ilike":"paris"}}`, "Ann Eve"},
		{"nested coerced by nested type", `{"address.zip":"75001"}`, "Ann"},
		{"nested gt", `{"address.zip":{"gt":75000}}`, "Ann"},
		{"nested null: null parent and missing", `{"address.city":null}`, "Cy Dee"},
		{"nested neq", `{"address.city":{"neq":"Paris"}}`, "bob Cy Dee Eve"},
		{"nested array", `{"address.lines":"2e étage"}`, "Eve"},
		{"nested array index", `{"address.lines.0":"1 rue"}`, "Eve"},
		{"nested like null parent", `{"address.city":{"like":"^null$"}}`, "Cy"},
		// array of models
		{"array of models any element", `{"emails.address":"ann@y.org"}`, "Ann"},
		{"array of models boolean", `{"emails.primary":true}`, "Ann"},
		{"array of models coerced", `{"emails.primary":"false"}`, "Ann"},
		{"array of models like", `{"emails.address":{"like":"@x"}}`, "Ann"},
		{"array of models neq", `{"emails.address":{"neq":"ann@x.com"}}`, all},
		{"array of models nin", `{"emails.address":{"nin":["ann@x.com","ann@y.org"]}}`, "bob Cy Dee Eve"},
		{"array of models index", `{"emails.1.primary":false}`, "Ann"},
		{"array of models nlike: any element", `{"emails.address":{"nlike":"ann"}}`, "bob Cy Dee Eve"},
		// object and any (no coercion, loose)
		{"object path loose", `{"meta.floor":3}`, "Ann Cy"},
		{"object path gt", `{"meta.floor":{"gt":2}}`, "Ann Cy"},
		{"object path inq", `{"meta.floor":{"inq":["3"]}}`, "Ann Cy"},
		{"object path array", `{"meta.tags":"x"}`, "Ann"},
		{"any loose string/number", `{"extra":"10"}`, "Ann bob"},
		{"any loose true", `{"extra":true}`, "Cy"},
		{"eq compares string forms: 1 is not true", `{"extra":1}`, ""},
		{"eq compares string forms: \"true\" is true", `{"extra":"true"}`, "Cy"},
		{"inq is loose: 1 == true", `{"extra":{"inq":[1]}}`, "Cy"},
		{"nin is loose", `{"extra":{"nin":[1,"10"]}}`, "Dee Eve"},
		{"like empty pattern matches nothing", `{"name":{"like":""}}`, ""},
		{"nlike empty pattern matches nothing", `{"name":{"nlike":""}}`, ""},
		{"any null", `{"extra":null}`, "Dee Eve"},
		// dynamic
		{"dynamic loose", `{"level":5}`, "Ann bob"},
		{"dynamic string", `{"level":"5"}`, "Ann bob"},
		{"dynamic gt mixes string and number order", `{"level":{"gt":"4"}}`, "Ann bob Cy"},
		{"dynamic eq operator", `{"level":{"eq":"high"}}`, "Cy"},
		{"dynamic like", `{"level":{"like":"h"}}`, "Cy"},
		{"dynamic regexp only strings", `{"level":{"regexp":"^\\d$"}}`, "Ann"},
		{"dynamic null", `{"level":null}`, "Dee Eve"},
		{"dynamic path", `{"level.x":null}`, all},
		// buffer
		{"buffer eq string", `{"photo":"hi"}`, "Ann"},
		// geo
		{"near max km", `{"loc":{"near":{"lat":48.85,"lng":2.35},"maxDistance":10,"unit":"kilometers"}}`, "Ann"},
		{"near string point miles", `{"loc":{"near":"51.5,-0.12","maxDistance":100}}`, "bob"},
		{"near min", `{"loc":{"near":[48.85,2.35],"minDistance":100,"unit":"kilometers"}}`, "bob"},
		{"near drops rows without location", `{"loc":{"near":{"lat":0,"lng":0}}}`, "Ann bob"},
		// logic
		{"and", `{"and":[{"age":{"gt":20}},{"vip":true}]}`, "Ann Eve"},
		{"or", `{"or":[{"name":"bob"},{"age":41}]}`, "bob Eve"},
		{"or empty", `{"or":[]}`, ""},
		{"and empty", `{"and":[]}`, all},
		{"and array-like object", `{"and":{"0":{"name":"Ann"},"1":{"age":30}}}`, "Ann"},
		{"or of empty clause", `{"or":[{}]}`, all},
		{"keys AND-ed", `{"name":"Ann","age":30}`, "Ann"},
		{"empty where", `{}`, all},
		// embedded relations
		{"embedsOne path", `{"prefs.theme":"dark"}`, "Ann"},
		{"embedsMany path coerced", `{"notes.stars":{"gte":"4"}}`, "Ann"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := ParseWhere(mustJSON(t, c.where), m, set)
			if err != nil {
				t.Fatalf("ParseWhere(%s): %v", c.where, err)
			}
			if got := names(t, n, recs); got != c.want {
				t.Errorf("where %s (%v)\n got: %q\nwant: %q", c.where, n, got, c.want)
			}
		})
	}
}

// fakeResolver answers relation conditions from a table and records calls.
type fakeResolver struct {
	answer map[string]bool // relation name:quant → answer
	calls  []string
	err    error
}

func (r *fakeResolver) MatchRelation(rec map[string]any, c *RelCond) (bool, error) {
	key := c.Relation.Name + ":" + string(c.Quant)
	r.calls = append(r.calls, key)
	return r.answer[key], r.err
}

func TestMatch_Resolver(t *testing.T) {
	set := testSet()
	m := set.Models["Customer"]
	rec := map[string]any{"name": "Ann"}
	cases := []struct {
		name, where string
		answer      map[string]bool
		want        bool
		calls       string
	}{
		{"some true", `{"orders":{"some":{"total":{"gt":1}}}}`, map[string]bool{"orders:some": true}, true, "orders:some"},
		{"and stops at the first false", `{"name":"Bob","orders":{"some":{}}}`, nil, false, ""},
		{"or stops at the first true", `{"or":[{"name":"Ann"},{"profile.bio":"x"}]}`, nil, true, ""},
		{"to-one", `{"profile.bio":"x"}`, map[string]bool{"profile:one": true}, true, "profile:one"},
		{"none and every AND-ed", `{"orders":{"none":{"total":1},"every":{"total":2}}}`, map[string]bool{"orders:every": true, "orders:none": true}, true, "orders:every orders:none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := ParseWhere(mustJSON(t, c.where), m, set)
			if err != nil {
				t.Fatal(err)
			}
			r := &fakeResolver{answer: c.answer}
			got, err := Match(n, rec, r)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want || strings.Join(r.calls, " ") != c.calls {
				t.Errorf("got %v calls %q, want %v calls %q", got, r.calls, c.want, c.calls)
			}
		})
	}
	t.Run("nil resolver", func(t *testing.T) {
		n, _ := ParseWhere(mustJSON(t, `{"orders":{"some":{}}}`), m, set)
		if _, err := Match(n, rec, nil); !errors.Is(err, ErrNoResolver) {
			t.Fatalf("got %v, want ErrNoResolver", err)
		}
	})
	t.Run("resolver error", func(t *testing.T) {
		n, _ := ParseWhere(mustJSON(t, `{"orders":{"some":{}}}`), m, set)
		boom := errors.New("boom")
		if _, err := Match(n, rec, &fakeResolver{err: boom}); !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
	})
}

func TestMatch_NilNodeAndGoNumbers(t *testing.T) {
	ok, err := Match(nil, nil, nil)
	if !ok || err != nil {
		t.Fatalf("nil node: %v %v", ok, err)
	}
	// Records written by Go programs may hold ints.
	set := testSet()
	n, err := ParseWhere(map[string]any{"age": map[string]any{"inq": []int{30, 31}}}, set.Models["Customer"], set)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := Match(n, map[string]any{"age": 30}, nil); !ok {
		t.Error("int record value did not match")
	}
	if want := []any{30.0, 31.0}; !reflect.DeepEqual(n.(*Cond).Value, want) {
		t.Errorf("operand %v, want %v", n.(*Cond).Value, want)
	}
}

func TestCond_Distance(t *testing.T) {
	set := testSet()
	n, err := ParseWhere(mustJSON(t, `{"name":{"neq":"x"},"loc":{"near":{"lat":48.8566,"lng":2.3522},"unit":"kilometers"}}`), set.Models["Customer"], set)
	if err != nil {
		t.Fatal(err)
	}
	c := FindNear(n)
	if c == nil {
		t.Fatal("FindNear found nothing")
	}
	d, ok := c.Distance(map[string]any{"loc": map[string]any{"lat": 51.5074, "lng": -0.1278}})
	if !ok || d < 340 || d > 345 {
		t.Errorf("Paris-London = %v %v, want ~343 km", d, ok)
	}
	if _, ok := c.Distance(map[string]any{"loc": nil}); ok {
		t.Error("distance of a null location")
	}
	if FindNear(&Or{Nodes: []Node{c}}) != nil {
		t.Error("FindNear looked inside or")
	}
}
