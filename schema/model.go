package schema

import "strings"

// Kind is the storage type of a property.
type Kind string

// The property kinds. Type names in LB3 JSON are case-insensitive and map
// onto these (e.g. "String", "string", "text" → KindString; "JSON",
// "object" → KindObject; "Binary", "buffer" → KindBuffer).
const (
	KindString   Kind = "string"
	KindNumber   Kind = "number"
	KindBoolean  Kind = "boolean"
	KindDate     Kind = "date"
	KindObject   Kind = "object"   // any JSON object, stored as given
	KindArray    Kind = "array"    // items described by Type.Item (nil: any)
	KindAny      Kind = "any"      // any JSON value
	KindGeoPoint Kind = "geopoint" // {lat, lng}
	KindBuffer   Kind = "buffer"   // bytes
	KindModel    Kind = "model"    // a nested model, named by Type.Model
)

// Type describes the type of a property or of an array item.
type Type struct {
	Kind Kind `json:"kind"`
	// Item is the element type when Kind is KindArray; nil means any.
	Item *Type `json:"item,omitempty"`
	// Model names the nested model when Kind is KindModel. Anonymous inline
	// object types become models named "<Owner>_<property>" (with
	// IDInjection false and Strict false) registered in the same Set.
	Model string `json:"model,omitempty"`
}

// Strict is a model's handling of undeclared properties.
type Strict string

const (
	// StrictFalse keeps undeclared properties (the LB3 memory default).
	StrictFalse Strict = "false"
	// StrictTrue refuses them with a 422 unknown-property error ("throw" and
	// "validate" are read as true).
	StrictTrue Strict = "true"
	// StrictFilter silently drops them.
	StrictFilter Strict = "filter"
)

// JSONSchema holds the LB4 jsonSchema constraints of a property, enforced by
// the engine on every write. Nil pointers mean "no constraint".
type JSONSchema struct {
	MinLength    *int     `json:"minLength,omitempty"`
	MaxLength    *int     `json:"maxLength,omitempty"`
	Pattern      string   `json:"pattern,omitempty"`
	Format       string   `json:"format,omitempty"` // email, uri, date-time, date, uuid, ...
	Enum         []any    `json:"enum,omitempty"`
	Minimum      *float64 `json:"minimum,omitempty"`
	Maximum      *float64 `json:"maximum,omitempty"`
	ErrorMessage any      `json:"errorMessage,omitempty"` // string, or object keyed by keyword
}

// Property is one declared property of a model.
type Property struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
	// ID is the position of the property in the primary key, starting at 1;
	// 0 means the property is not part of the id.
	ID int `json:"id,omitempty"`
	// Generated marks an id the store assigns (the per-model counter).
	Generated bool `json:"generated,omitempty"`
	Required  bool `json:"required,omitempty"`
	// Default is applied at create when the value is undefined (not null).
	// "$now" on a date property means the current time.
	Default any `json:"default,omitempty"`
	// DefaultFn is one of "guid", "uuid", "uuidv4", "now", "shortid",
	// "nanoid" (create only).
	DefaultFn  string      `json:"defaultFn,omitempty"`
	Index      bool        `json:"index,omitempty"`
	Unique     bool        `json:"unique,omitempty"`
	Hidden     bool        `json:"hidden,omitempty"`
	Protected  bool        `json:"protected,omitempty"`
	JSONSchema *JSONSchema `json:"jsonSchema,omitempty"`
	// Description and other documentation-only keys are not kept.
}

// Index is a declared secondary index: single-property, compound, or unique.
// Names: model-level "indexes" keep their declared name; a property declared
// with "index"/"unique" gets "<property>_idx"; relations add "fk_<field>" on
// the model holding a foreign key (unless an index already starts with that
// field) and "through_<fk>_<keyThrough>" (fields fk, keyThrough) on through
// models. A name already taken gets a "_2", "_3"... suffix.
type Index struct {
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	Unique bool     `json:"unique,omitempty"`
}

// RelationType is the kind of a relation.
type RelationType string

// Relation kinds. hasManyThrough is RelHasMany with Through set;
// RelHasAndBelongsToMany is kept as its own type but is resolved like
// hasManyThrough (Through names the explicit, found or implicit
// "<From><To>" through model, ForeignKey and KeyThrough its keys).
const (
	RelBelongsTo           RelationType = "belongsTo"
	RelHasOne              RelationType = "hasOne"
	RelHasMany             RelationType = "hasMany"
	RelHasAndBelongsToMany RelationType = "hasAndBelongsToMany"
	RelReferencesMany      RelationType = "referencesMany"
	RelEmbedsOne           RelationType = "embedsOne"
	RelEmbedsMany          RelationType = "embedsMany"
)

// Polymorphic describes a polymorphic relation: the discriminator property
// holds the target model's name and ForeignKey its id.
type Polymorphic struct {
	Selector      string `json:"selector,omitempty"`
	ForeignKey    string `json:"foreignKey"`
	Discriminator string `json:"discriminator"`
	IDType        string `json:"idType,omitempty"`
}

// Relation is a relation declared on a model, with LoopBack's defaults
// resolved by the loader (names, keys).
type Relation struct {
	Name  string       `json:"name"`
	Type  RelationType `json:"type"`
	Model string       `json:"model,omitempty"` // target model
	// ForeignKey: belongsTo → property on the source; hasOne/hasMany → on
	// the target; hasManyThrough/hasAndBelongsToMany → on the through model,
	// pointing at the source; referencesMany → the id-array property on the
	// source; polymorphic relations → Polymorphic.ForeignKey; embedsOne/
	// embedsMany → "" (see Property). The loader defines the property when
	// it is not declared, with the type of the key it holds.
	ForeignKey string `json:"foreignKey"`
	// PrimaryKey: belongsTo/referencesMany → target key (default its id);
	// hasOne/hasMany/through → source key (default its id); embeds → the
	// target's id name ("id" when it has none); polymorphic belongsTo → "id".
	PrimaryKey string `json:"primaryKey"`
	Through    string `json:"through,omitempty"`    // through model
	KeyThrough string `json:"keyThrough,omitempty"` // through → target key
	// Property is the storage property of embedsOne/embedsMany.
	Property    string         `json:"property,omitempty"`
	Polymorphic *Polymorphic   `json:"polymorphic,omitempty"`
	Invert      bool           `json:"invert,omitempty"`
	Scope       map[string]any `json:"scope,omitempty"` // a LoopBack filter object
	// Properties maps source property → target property, copied on create.
	Properties       map[string]string `json:"properties,omitempty"`
	InvertProperties bool              `json:"invertProperties,omitempty"`
	DisableInclude   bool              `json:"disableInclude,omitempty"`
	NestRemoting     bool              `json:"nestRemoting,omitempty"`
	HTTPPath         string            `json:"httpPath,omitempty"`
	// OnDelete is relstore's delete policy: "", "cascade", "restrict",
	// "setNull", "noAction".
	OnDelete string `json:"onDelete,omitempty"`
	// Integrity "strict" on belongsTo refuses dangling foreign keys.
	Integrity string `json:"integrity,omitempty"`
	// Options keeps the remaining relation options as given.
	Options map[string]any `json:"options,omitempty"`
}

// Model is a resolved model definition: base properties merged in, defaults
// applied, ids known.
type Model struct {
	Name   string `json:"name"`
	Plural string `json:"plural"`
	Base   string `json:"base,omitempty"`
	// Persisted is true for models based (directly or not) on
	// PersistedModel; plain Model-based ones are not stored or exposed.
	Persisted bool `json:"persisted"`
	// Properties in declaration order (base properties first).
	Properties  []*Property `json:"properties"`
	IDInjection bool        `json:"idInjection"`
	// ForceID: clients may not set a generated id (LB3 "auto" → true when
	// the id is generated).
	ForceID bool   `json:"forceId"`
	Strict  Strict `json:"strict"`
	// Hidden and Protected list property names (declared or not).
	Hidden    []string             `json:"hidden,omitempty"`
	Protected []string             `json:"protected,omitempty"`
	Indexes   []*Index             `json:"indexes,omitempty"`
	Relations []*Relation          `json:"relations,omitempty"`
	Scope     map[string]any       `json:"scope,omitempty"`  // default scope filter
	Scopes    map[string]any       `json:"scopes,omitempty"` // name → filter
	HTTPPath  string               `json:"httpPath,omitempty"`
	Public    *bool                `json:"public,omitempty"` // from model-config.json
	Settings  map[string]any       `json:"settings,omitempty"`
	props     map[string]*Property // lazily built by Property
	rels      map[string]*Relation
}

// Property returns the declared property named name, or nil.
func (m *Model) Property(name string) *Property {
	if m.props == nil || len(m.props) != len(m.Properties) {
		m.props = make(map[string]*Property, len(m.Properties))
		for _, p := range m.Properties {
			m.props[p.Name] = p
		}
	}
	return m.props[name]
}

// Relation returns the relation named name, or nil.
func (m *Model) Relation(name string) *Relation {
	if m.rels == nil || len(m.rels) != len(m.Relations) {
		m.rels = make(map[string]*Relation, len(m.Relations))
		for _, r := range m.Relations {
			m.rels[r.Name] = r
		}
	}
	return m.rels[name]
}

// IDProperties returns the id properties ordered by their ID position.
func (m *Model) IDProperties() []*Property {
	var ids []*Property
	for pos := 1; ; pos++ {
		found := false
		for _, p := range m.Properties {
			if p.ID == pos {
				ids = append(ids, p)
				found = true
			}
		}
		if !found {
			return ids
		}
	}
}

// IDName returns the name of the (first) id property, or "" if none.
func (m *Model) IDName() string {
	ids := m.IDProperties()
	if len(ids) == 0 {
		return ""
	}
	return ids[0].Name
}

// IsHidden reports whether name is a hidden property.
func (m *Model) IsHidden(name string) bool { return contains(m.Hidden, name) }

// IsProtected reports whether name is a protected property.
func (m *Model) IsProtected(name string) bool { return contains(m.Protected, name) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Set is a group of models that may refer to one another (relations,
// nested model types), keyed by exact name.
type Set struct {
	Models map[string]*Model `json:"models"`
	// Order lists model names in the order they were defined.
	Order []string `json:"order"`
}

// Model returns the model named name, or nil.
func (s *Set) Model(name string) *Model {
	if s == nil {
		return nil
	}
	return s.Models[name]
}

// Lookup returns the model named name, falling back to a case-insensitive
// match when exactly one model matches (LoopBack resolves relation targets
// and polymorphic discriminators that way); nil if none.
func (s *Set) Lookup(name string) *Model {
	if s == nil {
		return nil
	}
	if m := s.Models[name]; m != nil {
		return m
	}
	var found *Model
	for _, m := range s.Models {
		if strings.EqualFold(m.Name, name) {
			if found != nil {
				return nil
			}
			found = m
		}
	}
	return found
}

// Sorted returns the models in definition order (Set.Order): the order of
// Loader.Add calls (files in name order for AddDir), each model followed by
// the anonymous models of its inline object types, then the implicit
// through models of hasAndBelongsToMany relations.
func (s *Set) Sorted() []*Model {
	if s == nil {
		return nil
	}
	out := make([]*Model, 0, len(s.Order))
	for _, name := range s.Order {
		if m := s.Models[name]; m != nil {
			out = append(out, m)
		}
	}
	return out
}

// PluralPath returns the REST path segment of the model, without slashes:
// its "http.path" setting if set, else its plural ("Customers",
// "people" for a model with "plural": "people").
func (m *Model) PluralPath() string {
	if m.HTTPPath != "" {
		return m.HTTPPath
	}
	return m.Plural
}

// DeclaredNames returns the names of the model's properties in order
// (inherited, declared, injected id and foreign keys defined by relations
// included); a fresh slice on each call.
func (m *Model) DeclaredNames() []string {
	names := make([]string, len(m.Properties))
	for i, p := range m.Properties {
		names[i] = p.Name
	}
	return names
}
