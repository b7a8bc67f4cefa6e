package filter

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/schema"
)

// Test fixtures: a schema.Set built by hand (the schema loader is another
// package's job) and a tiny LB3 model-JSON reader for the oracle scenarios.

func typ(k schema.Kind) schema.Type { return schema.Type{Kind: k} }

func prop(name string, t schema.Type) *schema.Property {
	return &schema.Property{Name: name, Type: t}
}

func idProp() *schema.Property {
	return &schema.Property{Name: "id", Type: typ(schema.KindNumber), ID: 1, Generated: true}
}

// testSet is the fixture of most tests:
//
//	Customer (not strict): name, age, vip, createdAt, tags [string], address
//	  (Customer_address: street, city, zip, lines [string]), emails
//	  ([Customer_emails: address, primary]), meta object, extra any, loc
//	  geopoint, photo buffer, matrix [[number]], secret (hidden list), pin
//	  (hidden property); relations orders (hasMany Order), profile (hasOne),
//	  favs (referencesMany Product), audits (hasMany, disableInclude),
//	  pictures (hasMany Picture), prefs (embedsOne Pref), notes (embedsMany
//	  Note, property noteList).
//	Order (strict): total, customerId, placed, note; customer (belongsTo),
//	  items (hasMany Item).
//	Item (strict): name, qty, orderId; order (belongsTo).
//	Profile, Product (categories hasAndBelongsToMany Category), Category,
//	Audit, Picture (imageable: polymorphic belongsTo), Physician (patients
//	hasMany through Appointment), Patient, Appointment, Pref, Note.
func testSet() *schema.Set {
	set := &schema.Set{Models: map[string]*schema.Model{}}
	add := func(m *schema.Model) *schema.Model {
		if m.Strict == "" {
			m.Strict = schema.StrictFalse
		}
		set.Models[m.Name] = m
		set.Order = append(set.Order, m.Name)
		return m
	}
	add(&schema.Model{Name: "Customer", Plural: "Customers", Persisted: true,
		Hidden: []string{"secret"},
		Properties: []*schema.Property{
			idProp(),
			prop("name", typ(schema.KindString)),
			prop("age", typ(schema.KindNumber)),
			prop("vip", typ(schema.KindBoolean)),
			prop("createdAt", typ(schema.KindDate)),
			prop("tags", schema.Type{Kind: schema.KindArray, Item: &schema.Type{Kind: schema.KindString}}),
			prop("address", schema.Type{Kind: schema.KindModel, Model: "Customer_address"}),
			prop("emails", schema.Type{Kind: schema.KindArray, Item: &schema.Type{Kind: schema.KindModel, Model: "Customer_emails"}}),
			prop("meta", typ(schema.KindObject)),
			prop("extra", typ(schema.KindAny)),
			prop("loc", typ(schema.KindGeoPoint)),
			prop("photo", typ(schema.KindBuffer)),
			prop("matrix", schema.Type{Kind: schema.KindArray, Item: &schema.Type{Kind: schema.KindArray, Item: &schema.Type{Kind: schema.KindNumber}}}),
			prop("secret", typ(schema.KindString)),
			{Name: "pin", Type: typ(schema.KindString), Hidden: true},
		},
		Relations: []*schema.Relation{
			{Name: "orders", Type: schema.RelHasMany, Model: "Order", ForeignKey: "customerId", PrimaryKey: "id"},
			{Name: "profile", Type: schema.RelHasOne, Model: "Profile", ForeignKey: "customerId", PrimaryKey: "id"},
			{Name: "favs", Type: schema.RelReferencesMany, Model: "Product", ForeignKey: "favIds"},
			{Name: "audits", Type: schema.RelHasMany, Model: "Audit", ForeignKey: "customerId", DisableInclude: true},
			{Name: "pictures", Type: schema.RelHasMany, Model: "Picture", ForeignKey: "imageableId",
				Polymorphic: &schema.Polymorphic{ForeignKey: "imageableId", Discriminator: "imageableType"}},
			{Name: "prefs", Type: schema.RelEmbedsOne, Model: "Pref", Property: "prefs"},
			{Name: "notes", Type: schema.RelEmbedsMany, Model: "Note", Property: "noteList"},
		},
	})
	add(&schema.Model{Name: "Customer_address", Properties: []*schema.Property{
		prop("street", typ(schema.KindString)),
		prop("city", typ(schema.KindString)),
		prop("zip", typ(schema.KindNumber)),
		prop("lines", schema.Type{Kind: schema.KindArray, Item: &schema.Type{Kind: schema.KindString}}),
	}})
	add(&schema.Model{Name: "Customer_emails", Strict: schema.StrictTrue, Properties: []*schema.Property{
		prop("address", typ(schema.KindString)),
		prop("primary", typ(schema.KindBoolean)),
	}})
	add(&schema.Model{Name: "Order", Plural: "Orders", Persisted: true, Strict: schema.StrictTrue,
		Properties: []*schema.Property{
			idProp(),
			prop("total", typ(schema.KindNumber)),
			prop("customerId", typ(schema.KindNumber)),
			prop("placed", typ(schema.KindDate)),
			prop("note", typ(schema.KindString)),
		},
		Relations: []*schema.Relation{
			{Name: "customer", Type: schema.RelBelongsTo, Model: "Customer", ForeignKey: "customerId", PrimaryKey: "id"},
			{Name: "items", Type: schema.RelHasMany, Model: "Item", ForeignKey: "orderId", PrimaryKey: "id"},
		},
	})
	add(&schema.Model{Name: "Item", Plural: "Items", Persisted: true, Strict: schema.StrictTrue,
		Properties: []*schema.Property{idProp(), prop("name", typ(schema.KindString)), prop("qty", typ(schema.KindNumber)), prop("orderId", typ(schema.KindNumber))},
		Relations:  []*schema.Relation{{Name: "order", Type: schema.RelBelongsTo, Model: "Order", ForeignKey: "orderId", PrimaryKey: "id"}},
	})
	add(&schema.Model{Name: "Profile", Plural: "Profiles", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("bio", typ(schema.KindString)), prop("customerId", typ(schema.KindNumber))},
		Relations:  []*schema.Relation{{Name: "customer", Type: schema.RelBelongsTo, Model: "Customer", ForeignKey: "customerId", PrimaryKey: "id"}},
	})
	add(&schema.Model{Name: "Product", Plural: "Products", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("name", typ(schema.KindString))},
		Relations:  []*schema.Relation{{Name: "categories", Type: schema.RelHasAndBelongsToMany, Model: "Category", Through: "ProductCategory"}},
	})
	add(&schema.Model{Name: "Category", Plural: "Categories", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("name", typ(schema.KindString))}})
	add(&schema.Model{Name: "Audit", Plural: "Audits", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("what", typ(schema.KindString))}})
	add(&schema.Model{Name: "Picture", Plural: "Pictures", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("name", typ(schema.KindString)), prop("imageableId", typ(schema.KindNumber)), prop("imageableType", typ(schema.KindString))},
		Relations: []*schema.Relation{{Name: "imageable", Type: schema.RelBelongsTo, ForeignKey: "imageableId",
			Polymorphic: &schema.Polymorphic{ForeignKey: "imageableId", Discriminator: "imageableType"}}},
	})
	add(&schema.Model{Name: "Physician", Plural: "Physicians", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("name", typ(schema.KindString))},
		Relations: []*schema.Relation{{Name: "patients", Type: schema.RelHasMany, Model: "Patient", Through: "Appointment",
			ForeignKey: "physicianId", KeyThrough: "patientId"}},
	})
	add(&schema.Model{Name: "Patient", Plural: "Patients", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("name", typ(schema.KindString)), prop("age", typ(schema.KindNumber))}})
	add(&schema.Model{Name: "Appointment", Plural: "Appointments", Persisted: true,
		Properties: []*schema.Property{idProp(), prop("physicianId", typ(schema.KindNumber)), prop("patientId", typ(schema.KindNumber))}})
	add(&schema.Model{Name: "Pref", Strict: schema.StrictTrue, Properties: []*schema.Property{prop("theme", typ(schema.KindString)), prop("size", typ(schema.KindNumber))}})
	add(&schema.Model{Name: "Note", Strict: schema.StrictTrue, Properties: []*schema.Property{prop("text", typ(schema.KindString)), prop("stars", typ(schema.KindNumber))}})
	return set
}

// mustJSON decodes a JSON literal of a test case.
func mustJSON(t testing.TB, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

// asError returns err as *Error or fails the test.
func asError(t testing.TB, err error) *Error {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("want *Error, got %T %v", err, err)
	}
	return fe
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// ----- LB3 model JSON (oracle scenarios) -----

type scenario struct {
	Name   string            `json:"name"`
	Models []json.RawMessage `json:"models"`
	Steps  []struct {
		Method    string         `json:"method"`
		Path      string         `json:"path"`
		Query     map[string]any `json:"query"`
		Body      any            `json:"body"`
		Note      string         `json:"note"`
		Accept4xx bool           `json:"accept4xx"`
	} `json:"steps"`
}

type golden struct {
	Steps []struct {
		Method   string `json:"method"`
		Path     string `json:"path"`
		Status   int    `json:"status"`
		Body     any    `json:"body"`
		LB3Error string `json:"lb3Error"`
	} `json:"steps"`
}

func readOracle(t testing.TB, name string) (*scenario, *golden) {
	t.Helper()
	var sc scenario
	var g golden
	for file, v := range map[string]any{name + ".scenario.json": &sc, name + ".golden.json": &g} {
		data, err := os.ReadFile("testdata/oracle/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	if len(sc.Steps) != len(g.Steps) {
		t.Fatalf("%s: %d steps, %d golden steps", name, len(sc.Steps), len(g.Steps))
	}
	return &sc, &g
}

type lb3Model struct {
	Name        string                     `json:"name"`
	Plural      string                     `json:"plural"`
	IDInjection *bool                      `json:"idInjection"`
	Strict      any                        `json:"strict"`
	Hidden      []string                   `json:"hidden"`
	Properties  map[string]json.RawMessage `json:"properties"`
	Relations   map[string]struct {
		Type       string `json:"type"`
		Model      string `json:"model"`
		ForeignKey string `json:"foreignKey"`
		Through    string `json:"through"`
		KeyThrough string `json:"keyThrough"`
	} `json:"relations"`
	Scopes map[string]any `json:"scopes"`
}

func lb3Type(t testing.TB, raw any) schema.Type {
	switch x := raw.(type) {
	case string:
		switch strings.ToLower(x) {
		case "string", "text":
			return typ(schema.KindString)
		case "number":
			return typ(schema.KindNumber)
		case "boolean":
			return typ(schema.KindBoolean)
		case "date":
			return typ(schema.KindDate)
		case "object", "json":
			return typ(schema.KindObject)
		case "any":
			return typ(schema.KindAny)
		case "geopoint":
			return typ(schema.KindGeoPoint)
		case "buffer":
			return typ(schema.KindBuffer)
		case "array":
			return typ(schema.KindArray)
		}
	case []any:
		item := lb3Type(t, x[0])
		return schema.Type{Kind: schema.KindArray, Item: &item}
	}
	t.Fatalf("unsupported LB3 type %v", raw)
	return schema.Type{}
}

// loadLB3 builds a schema.Set from a scenario's models (enough for filters:
// types, ids, strict, hidden, relations, scopes; relation foreign keys are
// declared as numbers where the models do not declare them).
func loadLB3(t testing.TB, models []json.RawMessage) *schema.Set {
	t.Helper()
	set := &schema.Set{Models: map[string]*schema.Model{}}
	var defs []lb3Model
	for _, raw := range models {
		var d lb3Model
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		defs = append(defs, d)
		m := &schema.Model{Name: d.Name, Plural: d.Plural, Persisted: true, Hidden: d.Hidden, Strict: schema.StrictFalse}
		if m.Plural == "" {
			m.Plural = d.Name + "s"
			if strings.HasSuffix(d.Name, "y") {
				m.Plural = strings.TrimSuffix(d.Name, "y") + "ies"
			}
		}
		switch d.Strict {
		case true:
			m.Strict = schema.StrictTrue
		case "filter":
			m.Strict = schema.StrictFilter
		}
		if d.Scopes != nil {
			m.Scopes = d.Scopes
		}
		names := make([]string, 0, len(d.Properties))
		for n := range d.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		hasID := false
		for _, n := range names {
			var spec any
			_ = json.Unmarshal(d.Properties[n], &spec)
			p := &schema.Property{Name: n}
			if obj, ok := spec.(map[string]any); ok {
				p.Type = lb3Type(t, obj["type"])
				if obj["id"] == true || obj["id"] == float64(1) {
					p.ID, hasID = 1, true
				}
				if obj["hidden"] == true {
					p.Hidden = true
				}
			} else {
				p.Type = lb3Type(t, spec)
			}
			m.Properties = append(m.Properties, p)
		}
		if !hasID && (d.IDInjection == nil || *d.IDInjection) {
			m.Properties = append([]*schema.Property{idProp()}, m.Properties...)
		}
		set.Models[m.Name] = m
		set.Order = append(set.Order, m.Name)
	}
	addFK := func(m *schema.Model, name string) {
		if m != nil && name != "" && m.Property(name) == nil {
			m.Properties = append(m.Properties, prop(name, typ(schema.KindNumber)))
		}
	}
	for _, d := range defs {
		m := set.Models[d.Name]
		for name, r := range d.Relations {
			rel := &schema.Relation{Name: name, Type: schema.RelationType(r.Type), Model: r.Model, ForeignKey: r.ForeignKey,
				Through: r.Through, KeyThrough: r.KeyThrough}
			m.Relations = append(m.Relations, rel)
			switch {
			case rel.Type == schema.RelBelongsTo:
				addFK(m, rel.ForeignKey)
			case rel.Through != "":
				addFK(set.Models[rel.Through], rel.ForeignKey)
				addFK(set.Models[rel.Through], rel.KeyThrough)
			default:
				addFK(set.Models[rel.Model], rel.ForeignKey)
			}
		}
		sort.Slice(m.Relations, func(i, j int) bool { return m.Relations[i].Name < m.Relations[j].Name })
	}
	return set
}

// coerceRecord normalizes a JSON body by the model's declared types (dates
// become time.Time) as the engine stores records.
func coerceRecord(m *schema.Model, body map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		if p := m.Property(k); p != nil && p.Type.Kind == schema.KindDate && v != nil {
			d, ok := parseDate(v.(string))
			if !ok {
				panic(fmt.Sprintf("bad date %v", v))
			}
			v = d
		}
		out[k] = v
	}
	return out
}

// toJSON turns a record into its JSON form (dates as ISO strings with
// milliseconds, like LoopBack) for comparisons with golden bodies.
func toJSON(v any) any {
	if rows, ok := v.([]map[string]any); ok {
		list := make([]any, len(rows))
		for i, r := range rows {
			list[i] = r
		}
		v = list
	}
	var out any
	data, err := json.Marshal(jsonable(v))
	if err != nil {
		panic(err)
	}
	_ = json.Unmarshal(data, &out)
	return out
}
