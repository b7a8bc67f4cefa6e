package filter

import (
	"testing"

	"github.com/relstore/relstore/schema"
)

func TestModelHelpers(t *testing.T) {
	set := testSet()
	c := set.Models["Customer"]
	if propertyOf(c, "age") == nil || propertyOf(c, "nope") != nil || relationOf(c, "orders") == nil || relationOf(c, "age") != nil {
		t.Error("lookups")
	}
	if !isHidden(c, "secret") || !isHidden(c, "pin") || isHidden(c, "name") {
		t.Error("isHidden: model list and property flag")
	}
	if isStrict(c) || !isStrict(set.Models["Order"]) || !isStrict(&schema.Model{}) || isStrict(orDynamic(nil)) {
		t.Error("isStrict")
	}
	composite := &schema.Model{Properties: []*schema.Property{{Name: "b", ID: 2}, {Name: "a", ID: 1}}}
	if idName(c) != "id" || idName(composite) != "a" || idName(&schema.Model{}) != "id" {
		t.Error("idName")
	}
	kinds := map[schema.RelationType]bool{
		schema.RelHasMany: true, schema.RelHasAndBelongsToMany: true, schema.RelReferencesMany: true,
		schema.RelBelongsTo: false, schema.RelHasOne: false, schema.RelEmbedsMany: false,
	}
	for k, want := range kinds {
		if got := isToMany(&schema.Relation{Type: k}); got != want {
			t.Errorf("isToMany(%s) = %v", k, got)
		}
	}
	if !isEmbed(&schema.Relation{Type: schema.RelEmbedsOne}) || isEmbed(&schema.Relation{Type: schema.RelHasOne}) {
		t.Error("isEmbed")
	}
}
