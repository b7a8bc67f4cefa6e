package filter

import (
	"math"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestParse_Order(t *testing.T) {
	set := testSet()
	cases := []struct {
		name, model, order string
		want               string // keys joined by "; " or the error "CODE path: message"
	}{
		{"single default ASC", "Customer", `"age"`, "age ASC"},
		{"direction case-insensitive", "Customer", `"age desc"`, "age DESC"},
		{"comma list", "Customer", `"age ASC, name DESC"`, "age ASC; name DESC"},
		{"comma list without spaces", "Customer", `"age,name"`, "age ASC; name ASC"},
		{"extra commas and blanks", "Customer", `" age DESC ,, name "`, "age DESC; name ASC"},
		{"array", "Customer", `["vip DESC","name ASC"]`, "vip DESC; name ASC"},
		{"array with comma lists", "Customer", `["vip DESC, age","name"]`, "vip DESC; age ASC; name ASC"},
		{"empty string", "Customer", `""`, ""},
		{"empty array", "Customer", `[]`, ""},
		{"nested path", "Customer", `"address.city DESC"`, "address.city DESC"},
		{"dynamic", "Customer", `"level"`, "level ASC"},
		{"to-one relation", "Order", `"customer.name DESC"`, "customer.name DESC"},
		{"two hops", "Item", `"order.customer.age"`, "order.customer.age ASC"},
		{"to-many relation", "Customer", `"orders.total DESC"`, "orders.total DESC"},
		{"embedded", "Customer", `"notes.stars"`, "noteList.stars ASC"},
		{"bad direction", "Customer", `"name SIDEWAYS"`, `INVALID_ORDER order: The order "name SIDEWAYS" has invalid direction`},
		{"bad direction in array", "Customer", `["age","name up"]`, `INVALID_ORDER order[1]: The order "name up" has invalid direction`},
		{"extra words", "Customer", `"name ASC please"`, `INVALID_ORDER order: The order "name ASC please" is not valid: expected "property [ASC|DESC]"`},
		{"not a string", "Customer", `5`, `INVALID_ORDER order: The order 5 is not valid`},
		{"array entry not a string", "Customer", `["age",{"a":1}]`, `INVALID_ORDER order[1]: The order {"a":1} is not valid`},
		{"object", "Customer", `{"age":"ASC"}`, `INVALID_ORDER order: The order {"age":"ASC"} is not valid`},
		{"unknown on strict", "Order", `"nope DESC"`, `UNKNOWN_PATH order: The order path "nope" is unknown: "nope" is not a property or relation of Order`},
		{"unknown behind relation", "Item", `"order.nope"`, `UNKNOWN_PATH order: The order path "order.nope" is unknown: "nope" is not a property or relation of Order`},
		{"relation alone", "Order", `"customer"`, `UNKNOWN_PATH order: The order path "customer" names the relation "customer" of Order; order by one of its properties, e.g. "customer.id"`},
		{"scalar path", "Customer", `"age.x"`, `UNKNOWN_PATH order: The order path "age.x" is unknown: "age" is a number and has no nested properties`},
		{"hidden", "Customer", `"secret"`, `PROHIBITED_PROPERTY order: The property "secret" of Customer is hidden and cannot be used in an order`},
		{"hidden behind relation", "Order", `["total","customer.pin"]`, `PROHIBITED_PROPERTY order[1]: The property "pin" of Customer is hidden and cannot be used in an order`},
		{"polymorphic", "Picture", `"imageable.name"`, `UNKNOWN_PATH order: The order path "imageable.name" is unknown: the relation "imageable" of Picture has no single target model`},
		{"empty segment", "Customer", `"a..b"`, `UNKNOWN_PATH order: The order path "a..b" has an empty segment`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(map[string]any{"order": mustJSON(t, c.order)}, set.Models[c.model], set)
			var got string
			if err != nil {
				fe := asError(t, err)
				got = fe.Code + " " + fe.Path + ": " + fe.Message
			} else {
				keys := make([]string, len(f.Order))
				for i, k := range f.Order {
					keys[i] = k.String()
				}
				got = strings.Join(keys, "; ")
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	// Relation hops are in OrderKey.Relation, the rest in Path.
	f, err := Parse(map[string]any{"order": "order.customer.address.city DESC"}, set.Models["Item"], set)
	if err != nil {
		t.Fatal(err)
	}
	k := f.Order[0]
	if len(k.Relation) != 2 || k.Relation[0].Name != "order" || k.Relation[1].Name != "customer" ||
		strings.Join(k.Path, ".") != "address.city" || !k.Desc {
		t.Errorf("key %+v", k)
	}
}

func TestCompareValues(t *testing.T) {
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		a, b any
		want int
	}{
		{"null equals missing", nil, undefined, 0},
		{"null lowest vs number", nil, -5.0, -1},
		{"null lowest vs false", nil, false, -1},
		{"numbers", 2.0, 10.0, -1},
		{"numbers equal", 3.0, 3.0, 0},
		{"ints", 3, 2.0, 1},
		{"NaN lowest number", math.NaN(), -1e300, -1},
		{"strings bytewise", "Zed", "alfred", -1},
		{"digits before letters", "10", "9", -1},
		{"strings equal", "a", "a", 0},
		{"booleans", false, true, -1},
		{"dates", t0, t0.Add(time.Millisecond), -1},
		{"buffers", []byte("a"), []byte("b"), -1},
		{"arrays element-wise", []any{1.0, 2.0}, []any{1.0, 3.0}, -1},
		{"arrays length", []any{1.0}, []any{1.0, 0.0}, -1},
		{"objects by keys", map[string]any{"a": 1.0}, map[string]any{"b": 0.0}, -1},
		{"objects by values", map[string]any{"a": 1.0}, map[string]any{"a": 2.0}, -1},
		{"rank bool < number", true, 0.0, -1},
		{"rank number < string", 99.0, "1", -1},
		{"rank string < date", "z", t0, -1},
		{"rank date < buffer", t0, []byte{}, -1},
		{"rank buffer < array", []byte{}, []any{}, -1},
		{"rank array < object", []any{}, map[string]any{}, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CompareValues(c.a, c.b); got != c.want {
				t.Errorf("CompareValues(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
			}
			if got := CompareValues(c.b, c.a); got != -c.want {
				t.Errorf("CompareValues(%v, %v) = %d, want %d", c.b, c.a, got, -c.want)
			}
		})
	}
}

func randomValue(r *rand.Rand, depth int) any {
	switch r.Intn(9) {
	case 0:
		return nil
	case 1:
		return r.Intn(2) == 0
	case 2:
		return float64(r.Intn(5) - 2)
	case 3:
		return string(rune('a' + r.Intn(3)))
	case 4:
		return time.UnixMilli(int64(r.Intn(3))).UTC()
	case 5:
		return []byte{byte(r.Intn(3))}
	case 6:
		if depth > 1 {
			return nil
		}
		n := r.Intn(3)
		arr := make([]any, n)
		for i := range arr {
			arr[i] = randomValue(r, depth+1)
		}
		return arr
	case 7:
		if depth > 1 {
			return 1.0
		}
		m := map[string]any{}
		for i := r.Intn(3); i > 0; i-- {
			m[string(rune('a'+r.Intn(3)))] = randomValue(r, depth+1)
		}
		return m
	}
	return undefined
}

// TestCompareValues_TotalOrder checks antisymmetry and transitivity on
// random values, and that sorting with it is deterministic.
func TestCompareValues_TotalOrder(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < 3000; i++ {
		a, b, c := randomValue(r, 0), randomValue(r, 0), randomValue(r, 0)
		ab, ba := CompareValues(a, b), CompareValues(b, a)
		if ab != -ba {
			t.Fatalf("seed %d: not antisymmetric: %v %v: %d %d", seed, a, b, ab, ba)
		}
		if ab <= 0 && CompareValues(b, c) <= 0 && CompareValues(a, c) > 0 {
			t.Fatalf("seed %d: not transitive: %v <= %v <= %v but a > c", seed, a, b, c)
		}
	}
}

func TestCompareRecords(t *testing.T) {
	recs := []map[string]any{
		{"id": 1.0, "city": "Paris", "age": 30.0},
		{"id": 2.0, "city": "London", "age": 25.0},
		{"id": 3.0, "city": "Paris", "age": nil},
		{"id": 4.0, "city": "Berlin", "age": 25.0},
		{"id": 5.0, "age": 41.0, "a": map[string]any{"b": []any{"x", "y"}}},
		{"id": 6.0, "city": "Berlin", "a": map[string]any{"b": []any{"w"}}},
	}
	ids := func(order string, rel bool) string {
		var keys []OrderKey
		for _, k := range strings.Split(order, ",") {
			path, dir, _ := strings.Cut(strings.TrimSpace(k), " ")
			ok := OrderKey{Path: strings.Split(path, "."), Desc: dir == "DESC"}
			keys = append(keys, ok)
		}
		if rel {
			keys = append([]OrderKey{{Path: []string{"age"}, Desc: true, Relation: testSet().Models["Order"].Relations[:1]}}, keys...)
		}
		rows := append([]map[string]any(nil), recs...)
		sort.SliceStable(rows, func(i, j int) bool { return CompareRecords(keys, rows[i], rows[j]) < 0 })
		var out []string
		for _, r := range rows {
			out = append(out, jsNumberString(r["id"].(float64)))
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		name, order string
		rel         bool
		want        string
	}{
		{"null and missing first ascending", "age ASC", false, "3 6 2 4 1 5"},
		{"null and missing last descending, ties stable", "age DESC", false, "5 1 2 4 3 6"},
		{"two keys", "city ASC, age DESC", false, "5 4 6 2 1 3"},
		{"array index path", "a.b.0 DESC", false, "5 6 1 2 3 4"},
		{"relation keys are skipped", "id DESC", true, "6 5 4 3 2 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(c.order, c.rel); got != c.want {
				t.Errorf("order %s: got %s, want %s", c.order, got, c.want)
			}
		})
	}
}
