package filter

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse_Include(t *testing.T) {
	set := testSet()
	cases := []struct {
		name, model, include string
		want                 string // Filter.String() of {include}, or "CODE path: message"
	}{
		{"string", "Customer", `"orders"`, `{include: [orders]}`},
		{"array", "Customer", `["orders","profile"]`, `{include: [orders, profile]}`},
		{"object with a sub-include", "Customer", `{"orders":"items"}`, `{include: [orders{include: [items]}]}`},
		{"object true", "Customer", `{"orders":true}`, `{include: [orders]}`},
		{"query-string true", "Customer", `{"orders":"true"}`, `{include: [orders]}`},
		{"object with several keys", "Customer", `{"profile":true,"orders":["items"]}`, `{include: [orders{include: [items]}, profile]}`},
		{"nested arrays and objects", "Customer", `{"orders":["items",{"customer":"profile"}]}`, `{include: [orders{include: [items, customer{include: [profile]}]}]}`},
		{"relation form", "Customer", `{"relation":"orders"}`, `{include: [orders]}`},
		{"rel form", "Customer", `{"rel":"orders","scope":{"limit":2}}`, `{include: [orders{limit: 2}]}`},
		{"relation with scope", "Customer",
			`{"relation":"orders","scope":{"where":{"total":{"gt":"10"}},"order":"total DESC","limit":"2","skip":1,"fields":["total"],"include":{"relation":"items","scope":{"where":{"qty":"1"}}}}}`,
			`{include: [orders{where: total gt 10; order: total DESC; limit: 2; skip: 1; fields: total; include: [items{where: qty eq 1}]}]}`},
		{"array mixing shapes", "Customer", `["profile",{"relation":"orders","scope":{"include":"items"}},{"favs":true}]`,
			`{include: [profile, orders{include: [items]}, favs]}`},
		{"nested arrays flatten", "Customer", `[["orders"],[["profile"]]]`, `{include: [orders, profile]}`},
		{"disableInclude skipped", "Customer", `["audits","orders"]`, `{include: [orders]}`},
		{"polymorphic target is dynamic", "Picture", `{"relation":"imageable","scope":{"where":{"anything":1}}}`, `{include: [imageable{where: anything eq 1}]}`},
		{"through", "Physician", `{"patients":true}`, `{include: [patients]}`},
		{"unknown relation", "Customer", `"nope"`, `UNKNOWN_RELATION include: Relation "nope" is not defined for Customer model`},
		{"unknown relation deeper", "Customer", `{"orders":"nope"}`, `UNKNOWN_RELATION include.orders: Relation "nope" is not defined for Order model`},
		{"unknown relation form", "Customer", `{"relation":"nope"}`, `UNKNOWN_RELATION include: Relation "nope" is not defined for Customer model`},
		{"unknown relation in array", "Customer", `["orders","nope"]`, `UNKNOWN_RELATION include[1]: Relation "nope" is not defined for Customer model`},
		{"dotted name", "Customer", `"orders.items"`, `UNKNOWN_RELATION include: Relation "orders.items" is not defined for Customer model`},
		{"false value", "Customer", `{"orders":false}`, `INVALID_INCLUDE include.orders: The include {"orders":false} is not valid: give true, a relation name, an array or an object for "orders"`},
		{"number value", "Customer", `{"orders":1}`, `INVALID_INCLUDE include.orders: The include {"orders":1} is not valid: give true, a relation name, an array or an object for "orders"`},
		{"null value", "Customer", `{"orders":null}`, `INVALID_INCLUDE include.orders: The include {"orders":null} is not valid: give true, a relation name, an array or an object for "orders"`},
		{"number include", "Customer", `5`, `INVALID_INCLUDE include: The include 5 is not valid`},
		{"true include", "Customer", `true`, `INVALID_INCLUDE include: The include true is not valid`},
		{"relation not a string", "Customer", `{"relation":5}`, `INVALID_INCLUDE include.relation: The include {"relation":5} is not valid: "relation" must be a relation name`},
		{"relation form extra key", "Customer", `{"relation":"orders","where":{}}`, `INVALID_INCLUDE include.where: The include {"relation":"orders","where":{}} is not valid: unexpected key "where" (expected "relation" and "scope")`},
		{"scope not an object", "Customer", `{"relation":"orders","scope":"x"}`, `INVALID_INCLUDE include.scope: The include scope "x" is not an object`},
		{"scope errors carry the path", "Customer", `[{"relation":"orders","scope":{"where":{"nope":1}}}]`,
			`UNKNOWN_PATH include[0].scope.where.nope: The where path "nope" is unknown: "nope" is not a property or relation of Order`},
		{"scope unknown key", "Customer", `{"relation":"orders","scope":{"totalLimit":1}}`,
			`UNKNOWN_FILTER_KEY include.scope.totalLimit: The filter key "totalLimit" is not supported; a filter has where, order, limit, skip, offset, fields and include`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(map[string]any{"include": mustJSON(t, c.include)}, set.Models[c.model], set)
			var got string
			if err != nil {
				fe := asError(t, err)
				got = fe.Code + " " + fe.Path + ": " + fe.Message
			} else {
				got = f.String()
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestParse_IncludeFields(t *testing.T) {
	set := testSet()
	f, err := Parse(mustJSON(t, `{"include":[{"orders":"items"},{"relation":"profile","scope":{"limit":1}}]}`), set.Models["Customer"], set)
	if err != nil {
		t.Fatal(err)
	}
	orders, profile := f.Include[0], f.Include[1]
	if orders.Relation != set.Models["Customer"].Relation("orders") || orders.Name != "orders" {
		t.Errorf("orders include %+v", orders)
	}
	if !reflect.DeepEqual(orders.Raw, map[string]any{"orders": "items"}) {
		t.Errorf("Raw = %#v", orders.Raw)
	}
	if items := orders.Scope.Include[0]; items.Relation != set.Models["Order"].Relation("items") || items.Scope != nil {
		t.Errorf("nested include %+v", items)
	}
	if profile.Scope.Limit != 1 || profile.Raw.(map[string]any)["relation"] != "profile" {
		t.Errorf("profile include %+v", profile)
	}
}

func TestParse_IncludeDepth(t *testing.T) {
	set := testSet()
	// Order.customer.orders.customer... alternates between two models.
	build := func(levels int) any {
		var inc any = "customer"
		for i := 1; i < levels; i++ {
			if i%2 == 1 {
				inc = map[string]any{"orders": inc}
			} else {
				inc = map[string]any{"customer": inc}
			}
		}
		return inc
	}
	// build(n) starting on Order when n is odd ends with customer at depth n.
	model := func(levels int) string {
		if levels%2 == 1 {
			return "Order"
		}
		return "Customer"
	}
	if _, err := Parse(map[string]any{"include": build(MaxIncludeDepth)}, set.Models[model(MaxIncludeDepth)], set); err != nil {
		t.Fatalf("depth %d refused: %v", MaxIncludeDepth, err)
	}
	_, err := Parse(map[string]any{"include": build(MaxIncludeDepth + 1)}, set.Models[model(MaxIncludeDepth+1)], set)
	fe := asError(t, err)
	if fe.Code != CodeIncludeTooDeep || fe.Message != "The include nesting exceeds the maximum depth 8" || strings.Count(fe.Path, ".") != MaxIncludeDepth {
		t.Fatalf("got %s at %s: %s", fe.Code, fe.Path, fe.Message)
	}
	// The relation/scope form counts the same way.
	var inc any = map[string]any{"relation": "customer"}
	for i := 1; i <= MaxIncludeDepth; i++ {
		rel := "orders"
		if i%2 == 0 {
			rel = "customer"
		}
		inc = map[string]any{"relation": rel, "scope": map[string]any{"include": inc}}
	}
	if _, err := Parse(map[string]any{"include": inc}, set.Models["Order"], set); asError(t, err).Code != CodeIncludeTooDeep {
		t.Fatalf("scope form: %v", err)
	}
}
