package filter

// Helpers over schema.Model: name lookups, strictness, hidden properties,
// relation kinds.

import "github.com/relstore/relstore/schema"

// dynamicModel stands for an unknown model (a polymorphic relation's
// target): every path is a dynamic property.
var dynamicModel = &schema.Model{Name: "(polymorphic)", Strict: schema.StrictFalse}

func orDynamic(m *schema.Model) *schema.Model {
	if m == nil {
		return dynamicModel
	}
	return m
}

// isStrict reports whether undeclared properties are refused in paths. Only
// schema.StrictFalse models have dynamic properties.
func isStrict(m *schema.Model) bool { return m.Strict != schema.StrictFalse }

func isHidden(m *schema.Model, name string) bool {
	if m.IsHidden(name) {
		return true
	}
	p := propertyOf(m, name)
	return p != nil && p.Hidden
}

// propertyOf and relationOf look names up by scanning the model's lists:
// schema.Model's Property and Relation build their maps lazily without
// synchronization, which would make concurrent parses race.
func propertyOf(m *schema.Model, name string) *schema.Property {
	for _, p := range m.Properties {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func relationOf(m *schema.Model, name string) *schema.Relation {
	for _, r := range m.Relations {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// idName is the name of the model's first id property ("id" if none).
func idName(m *schema.Model) string {
	best := (*schema.Property)(nil)
	for _, p := range m.Properties {
		if p.ID > 0 && (best == nil || p.ID < best.ID) {
			best = p
		}
	}
	if best == nil {
		return "id"
	}
	return best.Name
}

func isToMany(r *schema.Relation) bool {
	switch r.Type {
	case schema.RelHasMany, schema.RelHasAndBelongsToMany, schema.RelReferencesMany:
		return true
	}
	return false
}

func isEmbed(r *schema.Relation) bool {
	return r.Type == schema.RelEmbedsOne || r.Type == schema.RelEmbedsMany
}
