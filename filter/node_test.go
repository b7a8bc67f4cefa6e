package filter

import (
	"regexp"
	"testing"
	"time"

	"github.com/relstore/relstore/schema"
)

func TestNode_String(t *testing.T) {
	rel := &schema.Relation{Name: "orders"}
	cases := []struct {
		name string
		n    Node
		want string
	}{
		{"cond", &Cond{Path: []string{"a", "b"}, Op: OpGt, Value: 1.5}, `a.b gt 1.5`},
		{"cond string", &Cond{Path: []string{"a"}, Op: OpEq, Value: `q"x`}, `a eq "q\"x"`},
		{"cond null", &Cond{Path: []string{"a"}, Op: OpNeq}, `a neq null`},
		{"cond date list", &Cond{Path: []string{"d"}, Op: OpInq, Value: []any{time.Date(2020, 1, 2, 3, 4, 5, 6000000, time.UTC), nil}},
			`d inq [date(2020-01-02T03:04:05.006Z),null]`},
		{"cond regexp", &Cond{Path: []string{"a"}, Op: OpRegexp, Value: "^x", Re: regexp.MustCompile("^x")}, `a regexp "^x" /^x/`},
		{"cond near", &Cond{Path: []string{"loc"}, Op: OpNear, Near: &NearSpec{Lat: 1, Lng: 2, Unit: "miles"}}, `loc near near(1,2 miles)`},
		{"cond near without spec", &Cond{Path: []string{"loc"}, Op: OpNear}, `loc near near(?)`},
		{"empty and", &And{}, `and()`},
		{"empty or", &Or{}, `or()`},
		{"nested", &Or{Nodes: []Node{&And{Nodes: []Node{&Cond{Path: []string{"a"}, Op: OpEq, Value: true}}}, &RelCond{Relation: rel, Quant: QuantNone}}},
			`or(and(a eq true), orders:none())`},
		{"relcond", &RelCond{Relation: rel, Quant: QuantSome, Where: &Cond{Path: []string{"t"}, Op: OpLt, Value: 3.0}}, `orders:some(t lt 3)`},
		{"relcond without relation", &RelCond{Quant: QuantOne}, `?:one()`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.n.String(); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestFindNear(t *testing.T) {
	near := &Cond{Path: []string{"loc"}, Op: OpNear, Near: &NearSpec{Unit: "miles"}}
	other := &Cond{Path: []string{"a"}, Op: OpEq, Value: 1.0}
	cases := []struct {
		name string
		n    Node
		want *Cond
	}{
		{"nil", nil, nil},
		{"itself", near, near},
		{"not near", other, nil},
		{"in and", &And{Nodes: []Node{other, &And{Nodes: []Node{near}}}}, near},
		{"not in or", &Or{Nodes: []Node{near}}, nil},
		{"not through a relation", &RelCond{Quant: QuantOne, Where: near}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := FindNear(c.n); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
