package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/relstore/relstore/schema"
)

func TestParseWhere_Errors(t *testing.T) {
	set := testSet()
	cases := []struct {
		name, model, where string
		code, path, msg    string
	}{
		{"where not an object", "Customer", `[1]`, CodeInvalidWhere, "", `The where clause [1] is not an object`},
		{"where a string", "Customer", `"x"`, CodeInvalidWhere, "", `The where clause "x" is not an object`},
		{"or not an array", "Customer", `{"or":5}`, CodeInvalidWhere, "or",
			`The or operator has invalid clauses 5: Value is not an array or object with sequential numeric indices`},
		{"and with a gap", "Customer", `{"and":{"0":{},"2":{}}}`, CodeInvalidWhere, "and",
			`The and operator has invalid clauses {"0":{},"2":{}}: Value is not an array or object with sequential numeric indices`},
		{"or clause not an object", "Customer", `{"or":[{"name":"a"},3]}`, CodeInvalidWhere, "or[1]", `The where clause 3 is not an object`},
		{"or clause empty string", "Customer", `{"or":[""]}`, CodeInvalidWhere, "or[0]", `The where clause "" is not an object`},
		{"quantifier empty string", "Customer", `{"orders":{"some":""}}`, CodeInvalidWhere, "orders.some", `The where clause "" is not an object`},
		{"or clause null", "Customer", `{"or":[null]}`, CodeInvalidWhere, "or[0]", `The where clause null is not an object`},
		{"nor", "Customer", `{"nor":[{"name":"a"}]}`, CodeUnknownOperator, "nor",
			`The nor operator is not supported (LoopBack ignores it); use and with neq, nin or nlike`},
		{"unknown operator", "Customer", `{"age":{"foo":1}}`, CodeUnknownOperator, "age.foo",
			`The age property has invalid clause {"foo":1}: unknown operator "foo"`},
		{"exists", "Customer", `{"age":{"exists":true}}`, CodeUnknownOperator, "age.exists",
			`The age property has invalid clause {"exists":true}: the operator "exists" is not supported`},
		{"object value on an object property", "Customer", `{"meta":{"floor":3}}`, CodeUnknownOperator, "meta.floor",
			`The meta property has invalid clause {"floor":3}: unknown operator "floor" (to match a nested property use the path "meta.floor")`},
		{"object value on a nested model", "Customer", `{"address":{"city":"x"}}`, CodeUnknownOperator, "address.city",
			`The address property has invalid clause {"city":"x"}: unknown operator "city" (to match a nested property use the path "address.city")`},
		{"mixed operator and key", "Customer", `{"age":{"gt":1,"x":2}}`, CodeUnknownOperator, "age.x",
			`The age property has invalid clause {"gt":1,"x":2}: unknown operator "x"`},
		{"dollar operator", "Customer", `{"age":{"$gt":1}}`, CodeOperatorNotAllowed, "age.$gt", `Operators "$gt" are not allowed in query`},
		{"dollar operators listed", "Customer", `{"$or":[{"age":{"$gt":1}}],"name":{"$ne":1}}`, CodeOperatorNotAllowed, "$or",
			`Operators "$or, $gt, $ne" are not allowed in query`},
		{"dollar some", "Customer", `{"orders":{"$some":{}}}`, CodeOperatorNotAllowed, "orders.$some", `Operators "$some" are not allowed in query`},
		{"unknown property on a strict model", "Order", `{"nope":1}`, CodeUnknownPath, "nope",
			`The where path "nope" is unknown: "nope" is not a property or relation of Order`},
		{"dotted path into a scalar", "Customer", `{"name.first":"x"}`, CodeUnknownPath, "name.first",
			`The where path "name.first" is unknown: "name" is a string and has no nested properties`},
		{"dotted path into a scalar array", "Customer", `{"tags.x":"a"}`, CodeUnknownPath, "tags.x",
			`The where path "tags.x" is unknown: "tags" is a string and has no nested properties`},
		{"unknown nested property of a strict nested model", "Customer", `{"emails.nope":1}`, CodeUnknownPath, "emails.nope",
			`The where path "emails.nope" is unknown: "nope" is not a property of Customer_emails`},
		{"geopoint path", "Customer", `{"loc.x":1}`, CodeUnknownPath, "loc.x", `The where path "loc.x" is unknown: a geopoint has only lat and lng`},
		{"empty segment", "Customer", `{"address..city":1}`, CodeUnknownPath, "address..city", `The where path "address..city" has an empty segment`},
		{"hidden model list", "Customer", `{"secret":"s"}`, CodeProhibitedProperty, "secret",
			`The property "secret" of Customer is hidden and cannot be used in a where clause`},
		{"hidden property flag", "Customer", `{"or":[{"pin":{"like":"1"}}]}`, CodeProhibitedProperty, "or[0].pin",
			`The property "pin" of Customer is hidden and cannot be used in a where clause`},
		{"hidden through a relation", "Order", `{"customer.secret":"s"}`, CodeProhibitedProperty, "customer.secret",
			`The property "secret" of Customer is hidden and cannot be used in a where clause`},
		{"number not numeric", "Customer", `{"age":{"gt":"abc"}}`, CodeInvalidValue, "age.gt",
			`The age property has invalid clause {"gt":"abc"}: "abc" is not a number`},
		{"number implicit eq not numeric", "Customer", `{"age":"abc"}`, CodeInvalidValue, "age",
			`The age property has invalid clause "abc": "abc" is not a number`},
		{"number inq element", "Customer", `{"age":{"inq":[1,"x"]}}`, CodeInvalidValue, "age.inq",
			`The age property has invalid clause {"inq":[1,"x"]}: "x" is not a number`},
		{"boolean not a boolean", "Customer", `{"vip":"maybe"}`, CodeInvalidValue, "vip",
			`The vip property has invalid clause "maybe": "maybe" is not a boolean`},
		{"boolean number 2", "Customer", `{"vip":2}`, CodeInvalidValue, "vip", `The vip property has invalid clause 2: 2 is not a boolean`},
		{"invalid date", "Customer", `{"createdAt":{"gt":"not a date"}}`, CodeInvalidValue, "createdAt.gt",
			`The createdAt property has invalid clause {"gt":"not a date"}: "not a date" is not a valid date`},
		{"invalid date day", "Customer", `{"createdAt":"2021-02-30"}`, CodeInvalidValue, "createdAt",
			`The createdAt property has invalid clause "2021-02-30": "2021-02-30" is not a valid date`},
		{"nested number coerced", "Customer", `{"address.zip":{"lt":"x"}}`, CodeInvalidValue, "address.zip.lt",
			`The address.zip property has invalid clause {"lt":"x"}: "x" is not a number`},
		{"string object operand", "Customer", `{"name":{"eq":{"a":1}}}`, CodeInvalidValue, "name.eq",
			`The name property has invalid clause {"eq":{"a":1}}: expected a single value, got {"a":1}`},
		{"eq with a list", "Customer", `{"name":["a","b"]}`, CodeInvalidValue, "name",
			`The name property has invalid clause ["a","b"]: a list of values; use {"inq": [...]} to match any of them`},
		{"empty condition", "Customer", `{"name":{}}`, CodeInvalidValue, "name",
			`The name property has invalid clause {}: an empty condition; give a value or an operator such as {"eq": ...}`},
		{"gt null", "Customer", `{"age":{"gt":null}}`, CodeInvalidValue, "age.gt", `The age property has invalid clause {"gt":null}: gt needs a value, got null`},
		{"between one value", "Customer", `{"age":{"between":[1]}}`, CodeInvalidValue, "age.between",
			`The age property has invalid clause {"between":[1]}: Expected precisely 2 values, received 1`},
		{"between three values", "Customer", `{"age":{"between":[1,2,3]}}`, CodeInvalidValue, "age.between",
			`The age property has invalid clause {"between":[1,2,3]}: Expected precisely 2 values, received 3`},
		{"between null bound", "Customer", `{"age":{"between":[1,null]}}`, CodeInvalidValue, "age.between",
			`The age property has invalid clause {"between":[1,null]}: between needs two values, got null`},
		{"between scalar", "Customer", `{"age":{"between":5}}`, CodeInvalidValue, "age.between",
			`The age property has invalid clause {"between":5}: Error: Value is not an array or object with sequential numeric indices`},
		{"inq scalar", "Customer", `{"age":{"inq":30}}`, CodeInvalidValue, "age.inq",
			`The age property has invalid clause {"inq":30}: Error: Value is not an array or object with sequential numeric indices`},
		{"nin object", "Customer", `{"age":{"nin":{"a":1}}}`, CodeInvalidValue, "age.nin",
			`The age property has invalid clause {"nin":{"a":1}}: Error: Value is not an array or object with sequential numeric indices`},
		{"like not a string", "Customer", `{"name":{"like":5}}`, CodeInvalidValue, "name.like",
			`The name property has invalid clause {"like":5}: Expected a string or RegExp`},
		{"regexp flags", "Customer", `{"name":{"regexp":"/^a/x"}}`, CodeInvalidValue, "name.regexp", `Invalid regex flags: x`},
		{"regexp several flags", "Customer", `{"name":{"regexp":"/^a/iyu"}}`, CodeInvalidValue, "name.regexp", `Invalid regex flags: y,u`},
		{"regexp RE2 invalid", "Customer", `{"name":{"regexp":"(?=a)"}}`, CodeInvalidValue, "name.regexp",
			`The name property has invalid clause {"regexp":"(?=a)"}: Invalid regular expression "(?=a)": invalid or unsupported Perl syntax: (?=`},
		{"regexp on a number", "Customer", `{"age":{"regexp":"^1"}}`, CodeInvalidValue, "age.regexp",
			`The age property has invalid clause {"regexp":"^1"}: regexp applies to strings, but age is a number`},
		{"regexp not a string", "Customer", `{"name":{"regexp":1}}`, CodeInvalidValue, "name.regexp",
			`The name property has invalid clause {"regexp":1}: Invalid argument, must be a string, regex literal, or RegExp object`},
		{"near on a string", "Customer", `{"name":{"near":[1,2]}}`, CodeInvalidValue, "name.near",
			`The name property has invalid clause {"near":[1,2]}: near applies to geopoints, but name is a string`},
		{"near bad point", "Customer", `{"loc":{"near":"x"}}`, CodeInvalidValue, "loc.near",
			`The loc property has invalid clause {"near":"x"}: near expects a point {lat, lng}, [lat, lng] or "lat,lng", got "x"`},
		{"near out of range", "Customer", `{"loc":{"near":[91,0]}}`, CodeInvalidValue, "loc.near",
			`The loc property has invalid clause {"near":[91,0]}: near expects a point {lat, lng}, [lat, lng] or "lat,lng", got [91,0]`},
		{"near bad unit", "Customer", `{"loc":{"near":[1,2],"unit":"parsecs"}}`, CodeInvalidValue, "loc.near",
			`The loc property has invalid clause {"near":[1,2],"unit":"parsecs"}: unknown distance unit "parsecs" (use miles, kilometers, meters, feet, radians or degrees)`},
		{"near negative distance", "Customer", `{"loc":{"near":[1,2],"maxDistance":-1}}`, CodeInvalidValue, "loc.near",
			`The loc property has invalid clause {"maxDistance":-1,"near":[1,2]}: maxDistance must be a non-negative number, got -1`},
		{"maxDistance without near", "Customer", `{"loc":{"maxDistance":1}}`, CodeUnknownOperator, "loc.maxDistance",
			`The loc property has invalid clause {"maxDistance":1}: "maxDistance" is only valid with near`},
		// relation paths
		{"to-many without quantifier dotted", "Customer", `{"orders.total":{"gt":1}}`, CodeUnknownPath, "orders.total",
			`The where path "orders.total" crosses the to-many relation "orders" of Customer; say which related records must match: {"orders": {"some": {"total": ...}}} (or "none", "every")`},
		{"to-many without quantifier nested", "Customer", `{"orders":{"total":1}}`, CodeUnknownPath, "orders.total",
			`The where path "orders.total" crosses the to-many relation "orders" of Customer; say which related records must match: {"orders": {"some": {"total": ...}}} (or "none", "every")`},
		{"to-many empty", "Customer", `{"orders":{}}`, CodeUnknownPath, "orders",
			`The where path "orders" crosses the to-many relation "orders" of Customer; say which related records must match: {"orders": {"some": {...}}} (or "none", "every")`},
		{"to-many through to-one", "Item", `{"order.customer.orders.total":1}`, CodeUnknownPath, "order.customer.orders.total",
			`The where path "order.customer.orders.total" crosses the to-many relation "orders" of Customer; say which related records must match: {"orders": {"some": {"total": ...}}} (or "none", "every")`},
		{"quantifier on to-one", "Order", `{"customer":{"some":{"name":"x"}}}`, CodeInvalidCollectionOperator, "customer.some",
			`"some" is only valid on a to-many relation, but "customer" of Order is belongsTo`},
		{"operator on a relation", "Order", `{"customer":{"eq":1}}`, CodeInvalidValue, "customer.eq",
			`The relation "customer" of Order takes a condition object on Customer, not the operator "eq"`},
		{"relation scalar", "Order", `{"customer":1}`, CodeInvalidValue, "customer",
			`The relation "customer" of Order takes a condition object on Customer, got 1`},
		{"unknown path behind a relation", "Customer", `{"orders":{"some":{"nope":1}}}`, CodeUnknownPath, "orders.some.nope",
			`The where path "nope" is unknown: "nope" is not a property or relation of Order`},
		{"unknown path behind a dotted relation", "Item", `{"order.nope":1}`, CodeUnknownPath, "order.nope",
			`The where path "order.nope" is unknown: "nope" is not a property or relation of Order`},
		{"quantifier value not an object", "Customer", `{"orders":{"some":5}}`, CodeInvalidWhere, "orders.some", `The where clause 5 is not an object`},
		{"polymorphic belongsTo", "Picture", `{"imageable.name":"x"}`, CodeUnknownPath, "imageable.name",
			`The where path "imageable.name" is unknown: the relation "imageable" of Picture has no single target model`},
		{"embedded strict model", "Customer", `{"notes.nope":1}`, CodeUnknownPath, "notes.nope",
			`The where path "notes.nope" is unknown: "nope" is not a property of Note`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseWhere(mustJSON(t, c.where), set.Models[c.model], set)
			if err == nil {
				t.Fatalf("ParseWhere(%s) succeeded", c.where)
			}
			fe := asError(t, err)
			if fe.Code != c.code || fe.Path != c.path || fe.Message != c.msg {
				t.Errorf("got  %s at %q: %s\nwant %s at %q: %s", fe.Code, fe.Path, fe.Message, c.code, c.path, c.msg)
			}
			if !errors.Is(err, ErrInvalidFilter) || fe.StatusCode() != 400 {
				t.Errorf("error does not wrap ErrInvalidFilter / status %d", fe.StatusCode())
			}
		})
	}
}

func TestParseWhere_QueryTooDeep(t *testing.T) {
	set := testSet()
	raw := any(map[string]any{"name": "x"})
	for i := 0; i < MaxDepth; i++ {
		raw = map[string]any{"and": []any{raw}}
	}
	// Levels: MaxDepth and-objects and arrays in between: far beyond MaxDepth.
	_, err := ParseWhere(raw, set.Models["Customer"], set)
	if fe := asError(t, err); fe.Code != CodeQueryTooDeep || fe.Message != "The query object exceeds maximum depth 32" {
		t.Fatalf("got %s %q", fe.Code, fe.Message)
	}
	// Exactly MaxDepth levels is accepted: values count as a level too, so
	// in 15 and-wraps of {"age":{"gt":1}} the 1 is at level 32.
	raw = map[string]any{"age": map[string]any{"gt": 1}}
	for i := 0; i < 15; i++ {
		raw = map[string]any{"and": []any{raw}}
	}
	if _, err := ParseWhere(raw, set.Models["Customer"], set); err != nil {
		t.Fatalf("depth %d refused: %v", MaxDepth, err)
	}
	raw = map[string]any{"and": []any{raw}}
	if _, err := ParseWhere(raw, set.Models["Customer"], set); err == nil {
		t.Fatal("depth 34 accepted")
	}
	long := strings.Repeat("customer.", MaxDepth) + "name"
	if _, err := ParseWhere(map[string]any{long: 1}, set.Models["Order"], set); asError(t, err).Code != CodeQueryTooDeep {
		t.Fatalf("long path: %v", err)
	}
}

func TestParseWhere_Structure(t *testing.T) {
	set := testSet()
	cases := []struct {
		name, model, where, want string
	}{
		{"empty", "Customer", `{}`, `<nil>`},
		{"null", "Customer", ``, `<nil>`},
		{"implicit eq", "Customer", `{"age":"21"}`, `age eq 21`},
		{"keys sorted and AND-ed", "Customer", `{"name":"a","age":1}`, `and(age eq 1, name eq "a")`},
		{"operators AND-ed", "Customer", `{"age":{"lt":40,"gt":9}}`, `and(age gt 9, age lt 40)`},
		{"like shows its expression", "Customer", `{"name":{"like":"A%"}}`, `name like "A%" /A.*/`},
		{"ilike", "Customer", `{"name":{"ilike":"a_"}}`, `name ilike "a_" /(?i)a./`},
		{"regexp", "Customer", `{"name":{"regexp":"/^a/i"}}`, `name regexp "/^a/i" /(?i)^a/`},
		{"date", "Customer", `{"createdAt":{"gt":"2020-01-01"}}`, `createdAt gt date(2020-01-01T00:00:00Z)`},
		{"inq coerced", "Customer", `{"age":{"inq":["1",2]}}`, `age inq [1,2]`},
		{"near", "Customer", `{"loc":{"near":"1,2","maxDistance":"5"}}`, `loc near near(1,2 max=5 miles)`},
		{"or of and", "Customer", `{"or":[{"and":[{"age":1}]},{}]}`, `or(and(age eq 1), and())`},
		{"to-one dotted", "Order", `{"customer.name":"Ann"}`, `customer:one(name eq "Ann")`},
		{"to-one nested", "Order", `{"customer":{"name":{"like":"A%"}}}`, `customer:one(name like "A%" /A.*/)`},
		{"two hops dotted", "Item", `{"order.customer.name":"Ann"}`, `order:one(customer:one(name eq "Ann"))`},
		{"two hops mixed", "Item", `{"order":{"customer.address.city":"Paris"}}`, `order:one(customer:one(address.city eq "Paris"))`},
		{"two hops nested", "Item", `{"order.customer":{"age":{"gt":"3"}}}`, `order:one(customer:one(age gt 3))`},
		{"to-one empty", "Order", `{"customer":{}}`, `customer:one()`},
		{"hasOne", "Customer", `{"profile.bio":{"like":"x"}}`, `profile:one(bio like "x" /x/)`},
		{"some", "Customer", `{"orders":{"some":{"total":{"gt":100}}}}`, `orders:some(total gt 100)`},
		{"none and every", "Customer", `{"orders":{"none":{},"every":{"total":1}}}`, `and(orders:every(total eq 1), orders:none())`},
		{"some with nested to-many", "Customer", `{"orders":{"some":{"items":{"some":{"qty":{"gt":"2"}}}}}}`, `orders:some(items:some(qty gt 2))`},
		{"some then to-one", "Customer", `{"orders":{"some":{"customer.name":"x"}}}`, `orders:some(customer:one(name eq "x"))`},
		{"referencesMany", "Customer", `{"favs":{"some":{"name":"x"}}}`, `favs:some(name eq "x")`},
		{"hasAndBelongsToMany", "Product", `{"categories":{"every":{"name":"x"}}}`, `categories:every(name eq "x")`},
		{"hasMany through", "Physician", `{"patients":{"some":{"age":{"lt":"18"}}}}`, `patients:some(age lt 18)`},
		{"relation inside or", "Order", `{"or":[{"customer.vip":"true"},{"total":0}]}`, `or(customer:one(vip eq true), total eq 0)`},
		{"target property named like a quantifier", "Order", `{"customer":{"name":"some"}}`, `customer:one(name eq "some")`},
		{"dynamic property", "Customer", `{"level":{"gt":"4"}}`, `level gt "4"`},
		{"dynamic nested path", "Customer", `{"level.a.b":1}`, `level.a.b eq 1`},
		{"dynamic on a relation target", "Customer", `{"profile":{"x":"1"}}`, `profile:one(x eq "1")`},
		{"embedded", "Customer", `{"notes.stars":"4"}`, `noteList.stars eq 4`},
		{"string coerces numbers", "Customer", `{"name":{"inq":[1.5,true]}}`, `name inq ["1.5","true"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := ParseWhere(mustJSON(t, c.where), set.Models[c.model], set)
			if err != nil {
				t.Fatal(err)
			}
			got := "<nil>"
			if n != nil {
				got = n.String()
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestParseWhere_RelCondFields(t *testing.T) {
	set := testSet()
	n, err := ParseWhere(mustJSON(t, `{"order.customer.address.zip":"75001"}`), set.Models["Item"], set)
	if err != nil {
		t.Fatal(err)
	}
	hop1 := n.(*RelCond)
	hop2 := hop1.Where.(*RelCond)
	c := hop2.Where.(*Cond)
	if hop1.Relation != set.Models["Item"].Relation("order") || hop2.Relation != set.Models["Order"].Relation("customer") {
		t.Errorf("relations %v %v", hop1.Relation.Name, hop2.Relation.Name)
	}
	if c.Prop != set.Models["Customer"].Property("address") || c.Value != 75001.0 || strings.Join(c.Path, ".") != "address.zip" {
		t.Errorf("cond %+v", c)
	}
	// Dynamic properties have no Prop.
	n, _ = ParseWhere(mustJSON(t, `{"level":1}`), set.Models["Customer"], set)
	if n.(*Cond).Prop != nil {
		t.Error("dynamic property has a Prop")
	}
}

func TestParseWhere_NilModelAndSet(t *testing.T) {
	// A nil model is fully dynamic; a nil set is fine without relations.
	n, err := ParseWhere(mustJSON(t, `{"a.b":{"gt":"1"}}`), nil, nil)
	if err != nil || n.String() != `a.b gt "1"` {
		t.Fatalf("got %v %v", n, err)
	}
	m := &schema.Model{Name: "Solo", Strict: schema.StrictTrue, Properties: []*schema.Property{prop("n", typ(schema.KindNumber))}}
	if n, err = ParseWhere(mustJSON(t, `{"n":"2"}`), m, nil); err != nil || n.String() != "n eq 2" {
		t.Fatalf("got %v %v", n, err)
	}
	// Strict "" (unset) counts as strict.
	m.Strict = ""
	if _, err = ParseWhere(mustJSON(t, `{"x":1}`), m, nil); err == nil {
		t.Fatal("unset Strict accepted an unknown property")
	}
}

func TestParseWhere_DoesNotModifyInput(t *testing.T) {
	set := testSet()
	raw := mustJSON(t, `{"age":{"inq":["1","2"]},"or":[{"name":"a"}]}`)
	before := jsonString(raw)
	if _, err := ParseWhere(raw, set.Models["Customer"], set); err != nil {
		t.Fatal(err)
	}
	if after := jsonString(raw); after != before {
		t.Fatalf("input changed: %s → %s", before, after)
	}
}
