package filter

import (
	"regexp"
	"strings"
	"time"

	"github.com/relstore/relstore/schema"
)

// Node is a where expression: *And, *Or, *Cond or *RelCond. A nil Node
// matches every record. Nodes are immutable after parsing and safe for
// concurrent use.
type Node interface {
	node()
	// String renders the expression for logs and golden files, e.g.
	// `and(age gt 21, name like "A%")`.
	String() string
}

// And matches when every node matches; an empty And matches every record
// (LoopBack: and:[] matches all).
type And struct{ Nodes []Node }

// Or matches when some node matches; an empty Or matches no record
// (LoopBack: or:[] matches none).
type Or struct{ Nodes []Node }

// Op is a where operator.
type Op string

// The where operators. OpEq is also the implicit operator of {p: v}.
const (
	OpEq      Op = "eq"
	OpNeq     Op = "neq"
	OpGt      Op = "gt"
	OpGte     Op = "gte"
	OpLt      Op = "lt"
	OpLte     Op = "lte"
	OpBetween Op = "between"
	OpInq     Op = "inq"
	OpNin     Op = "nin"
	OpLike    Op = "like"
	OpNlike   Op = "nlike"
	OpIlike   Op = "ilike"
	OpNilike  Op = "nilike"
	OpRegexp  Op = "regexp"
	OpNear    Op = "near"
)

// Cond is one operator applied to one property path of the model.
//
// Path is the property name followed by nested object (or array element)
// segments: {"address.city": "Paris"} has Path ["address", "city"]. A path
// segment that is a non-negative integer indexes an array; any other segment
// applied to an array value means "any element".
//
// Value is the operand coerced by the declared type of the path's leaf
// (float64, string, bool, time.Time, nil, or the raw JSON value on dynamic
// properties); for OpInq, OpNin and OpBetween it is a []any of such values.
// For the like operators Value is the pattern as given and Re the compiled
// unanchored expression; for OpRegexp Value is the string as given. Near is
// set for OpNear only.
type Cond struct {
	Path  []string
	Prop  *schema.Property // declared property of Path[0]; nil if dynamic
	Op    Op
	Value any
	Re    *regexp.Regexp
	Near  *NearSpec
}

// Quant is the quantifier of a RelCond.
type Quant string

// The quantifiers. QuantOne is a to-one hop (belongsTo, hasOne): the record
// matches when its related record exists and matches. QuantSome, QuantNone
// and QuantEvery apply to to-many relations (hasMany, hasMany through,
// hasAndBelongsToMany, referencesMany): at least one / no / every related
// record matches (every is true for a record without related records).
const (
	QuantOne   Quant = "one"
	QuantSome  Quant = "some"
	QuantNone  Quant = "none"
	QuantEvery Quant = "every"
)

// RelCond is a condition through a relation of the model. Where is parsed
// against the relation's target model (nil means {}: some = has a related
// record, none = has none, every = true, one = the related record exists).
// Match hands RelConds to the Resolver.
type RelCond struct {
	Relation *schema.Relation
	Quant    Quant
	Where    Node
}

func (*And) node()     {}
func (*Or) node()      {}
func (*Cond) node()    {}
func (*RelCond) node() {}

// String renders `and(n1, n2)`.
func (n *And) String() string { return listString("and", n.Nodes) }

// String renders `or(n1, n2)`.
func (n *Or) String() string { return listString("or", n.Nodes) }

func listString(name string, nodes []Node) string {
	parts := make([]string, len(nodes))
	for i, c := range nodes {
		parts[i] = c.String()
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

// String renders `path op operand`: operands as JSON, dates as
// date(RFC 3339), like patterns followed by their compiled expression
// (`name like "Al%" /Al.*/`), near as near(lat,lng ...).
func (c *Cond) String() string {
	var b strings.Builder
	b.WriteString(strings.Join(c.Path, "."))
	b.WriteByte(' ')
	b.WriteString(string(c.Op))
	b.WriteByte(' ')
	switch c.Op {
	case OpNear:
		b.WriteString(c.Near.String())
	default:
		b.WriteString(valueString(c.Value))
		if c.Re != nil {
			b.WriteString(" /" + c.Re.String() + "/")
		}
	}
	return b.String()
}

func valueString(v any) string {
	switch x := v.(type) {
	case time.Time:
		return "date(" + x.UTC().Format(time.RFC3339Nano) + ")"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = valueString(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return jsonString(v)
}

// String renders `relation:quant(where)`, e.g. `orders:some(total gt 100)`.
func (n *RelCond) String() string {
	w := ""
	if n.Where != nil {
		w = n.Where.String()
	}
	name := "?"
	if n.Relation != nil {
		name = n.Relation.Name
	}
	return name + ":" + string(n.Quant) + "(" + w + ")"
}

// FindNear returns the first near condition of n that every match depends
// on (n itself, or reached through And nodes only), or nil. The engine sorts
// the results of such a filter by Cond.Distance, nearest first, as the
// memory connector does.
func FindNear(n Node) *Cond {
	switch x := n.(type) {
	case *Cond:
		if x.Op == OpNear {
			return x
		}
	case *And:
		for _, c := range x.Nodes {
			if found := FindNear(c); found != nil {
				return found
			}
		}
	}
	return nil
}
