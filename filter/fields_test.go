package filter

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestParse_Fields(t *testing.T) {
	set := testSet()
	rec := map[string]any{"id": 1.0, "name": "Ann", "age": 30.0, "secret": "s", "pin": "1234", "level": 3.0, "email": "a@x"}
	cases := []struct {
		name, model, fields string
		want                string // String(), "nil", or "CODE path: message"
		kept                string // keys of Apply(rec), sorted
	}{
		{"array", "Customer", `["name","age"]`, "name,age", "age name"},
		{"string", "Customer", `"name"`, "name", "name"},
		{"include object", "Customer", `{"name":true,"age":true}`, "age,name", "age name"},
		{"query-string false is truthy", "Customer", `{"email":"false","age":"false"}`, "age,email", "age email"},
		{"exclude object keeps declared only", "Customer", `{"secret":false,"age":false}`, "-age,-secret", "id name"},
		{"mixed: only true keys", "Customer", `{"name":true,"age":false}`, "name", "name"},
		{"numbers are truthy", "Customer", `{"name":1,"age":0}`, "name", "name"},
		{"empty array", "Customer", `[]`, "nil", "age email id level name pin secret"},
		{"empty object", "Customer", `{}`, "nil", "age email id level name pin secret"},
		{"empty string", "Customer", `""`, "nil", "age email id level name pin secret"},
		{"null", "Customer", `null`, "nil", "age email id level name pin secret"},
		{"duplicates", "Customer", `["name","name"]`, "name", "name"},
		{"hidden accepted, never kept", "Customer", `["name","secret","pin"]`, "name,secret,pin", "name"},
		{"dynamic on non-strict", "Customer", `["level"]`, "level", "level"},
		{"relation name", "Customer", `["name","orders"]`, "name,orders", "name"},
		{"unknown on strict", "Order", `["total","bogus"]`, `UNKNOWN_PATH fields[1]: The fields entry "bogus" is not a property of Order`, ""},
		{"unknown on strict string", "Order", `"bogus"`, `UNKNOWN_PATH fields: The fields entry "bogus" is not a property of Order`, ""},
		{"unknown falsy key on strict", "Order", `{"total":true,"bogus":false}`, `UNKNOWN_PATH fields.bogus: The fields entry "bogus" is not a property of Order`, ""},
		{"path", "Customer", `["address.city"]`, `UNKNOWN_PATH fields[0]: The fields entry "address.city" is not valid: fields takes property names, not paths`, ""},
		{"non-string entry", "Customer", `["name",5]`, `INVALID_FIELDS fields[1]: The fields entry 5 is not valid: expected a property name`, ""},
		{"empty name", "Customer", `[""]`, `INVALID_FIELDS fields[0]: The fields entry "" is not valid: expected a property name`, ""},
		{"number", "Customer", `5`, `INVALID_FIELDS fields: The fields 5 is not valid`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(map[string]any{"fields": mustJSON(t, c.fields)}, set.Models[c.model], set)
			var got string
			switch {
			case err != nil:
				fe := asError(t, err)
				got = fe.Code + " " + fe.Path + ": " + fe.Message
			case f.Fields == nil:
				got = "nil"
			default:
				got = f.Fields.String()
			}
			if got != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
			if err != nil {
				return
			}
			var keys []string
			for k := range f.Fields.Apply(rec) {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if strings.Join(keys, " ") != c.kept {
				t.Errorf("Apply kept %v, want %s", keys, c.kept)
			}
		})
	}
}

func TestFields_Methods(t *testing.T) {
	set := testSet()
	var nilFields *Fields
	if !nilFields.Keep("x") || nilFields.Names() != nil || nilFields.Excluded() != nil || nilFields.String() != "*" {
		t.Error("nil *Fields must keep everything")
	}
	rec := map[string]any{"a": 1.0}
	cp := nilFields.Apply(rec)
	cp["b"] = 2.0
	if _, ok := rec["b"]; ok {
		t.Error("Apply did not return a new map")
	}
	f, _ := Parse(map[string]any{"fields": []any{"name", "pin", "age"}}, set.Models["Customer"], set)
	if got := f.Fields.Names(); !reflect.DeepEqual(got, []string{"name", "age"}) {
		t.Errorf("Names() = %v", got)
	}
	if f.Fields.Keep("pin") || !f.Fields.Keep("age") || f.Fields.Keep("vip") || f.Fields.Excluded() != nil {
		t.Error("Keep on include form")
	}
	f, _ = Parse(map[string]any{"fields": map[string]any{"age": false}}, set.Models["Customer"], set)
	if f.Fields.Names() != nil || f.Fields.Keep("age") || !f.Fields.Keep("vip") || f.Fields.Keep("level") || f.Fields.Keep("secret") {
		t.Error("Keep on exclude form")
	}
	if got := f.Fields.Excluded(); !reflect.DeepEqual(got, []string{"age"}) {
		t.Errorf("Excluded() = %v", got)
	}
}
