package filter

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/relstore/relstore/schema"
)

// find evaluates a parsed filter over records the way the engine does for
// plain (non-relation) filters: match, order (primary key when none is
// given; ties keep the input order), skip, limit, fields.
func find(t *testing.T, f *Filter, recs []map[string]any, idName string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range recs {
		ok, err := Match(f.Where, r, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			out = append(out, r)
		}
	}
	order := f.Order
	if len(order) == 0 {
		order = []OrderKey{{Path: []string{idName}}}
	}
	sort.SliceStable(out, func(i, j int) bool { return CompareRecords(order, out[i], out[j]) < 0 })
	if f.Skip >= len(out) {
		out = nil
	} else {
		out = out[f.Skip:]
	}
	if f.Limit > 0 && f.Limit < len(out) {
		out = out[:f.Limit]
	}
	res := make([]map[string]any, len(out))
	for i, r := range out {
		res[i] = f.Fields.Apply(r)
	}
	return res
}

// TestOracle_WhereOrderPaging is the acceptance test of the package: it
// creates the rows of the where-order-paging scenario, runs every GET of
// the scenario (both query-string forms) through ParseQuery, ParseParam,
// Parse/ParseWhere, Match, CompareRecords, skip/limit and fields, and
// compares the result with the body LoopBack 3 answered.
func TestOracle_WhereOrderPaging(t *testing.T) {
	sc, g := readOracle(t, "where-order-paging")
	set := loadLB3(t, sc.Models)
	m := set.Models["Person"]
	var recs []map[string]any
	gets := 0
	for i, st := range sc.Steps {
		gs := g.Steps[i]
		if st.Method == "POST" {
			rec := coerceRecord(m, st.Body.(map[string]any))
			rec["id"] = float64(len(recs) + 1)
			if want := gs.Body.(map[string]any)["id"]; want != rec["id"] {
				t.Fatalf("step %d: golden id %v, want %v", i, want, rec["id"])
			}
			recs = append(recs, rec)
			continue
		}
		gets++
		t.Run(fmt.Sprintf("step%02d", i), func(t *testing.T) {
			route, rawQuery, _ := strings.Cut(gs.Path, "?")
			q, err := ParseQuery(rawQuery)
			if err != nil {
				t.Fatal(err)
			}
			var got any
			switch route {
			case "/people", "/people/findOne":
				raw, _, err := ParseParam(q["filter"])
				if err != nil {
					t.Fatal(err)
				}
				f, err := Parse(raw, m, set)
				if err != nil {
					t.Fatalf("%s: %v", gs.Path, err)
				}
				rows := find(t, f, recs, "id")
				if route == "/people" {
					got = toJSON(rows)
				} else {
					got = toJSON(rows[0])
				}
			case "/people/count":
				raw, _, err := ParseParam(q["where"])
				if err != nil {
					t.Fatal(err)
				}
				w, err := ParseWhere(raw, m, set)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, r := range recs {
					if ok, _ := Match(w, r, nil); ok {
						n++
					}
				}
				got = toJSON(map[string]any{"count": n})
			default:
				t.Fatalf("unexpected route %s", route)
			}
			if want := toJSON(gs.Body); !reflect.DeepEqual(got, want) {
				t.Errorf("%s (%s)\n got: %v\nwant: %v", gs.Path, st.Note, got, want)
			}
		})
	}
	if gets != 53 {
		t.Errorf("ran %d GET steps, want 53", gets)
	}
}

// refusals lists the steps LoopBack silently accepts (accept4xx) that
// relstore refuses, with relstore's code.
var refusals = map[string]string{
	"bad-input#32":      CodeUnknownPath,        // where on an unknown property of a strict model
	"bad-input#33":      CodeUnknownPath,        // order on an unknown property
	"bad-input#38":      CodeInvalidValue,       // gt "abc" on a number
	"bad-input#41":      CodeInvalidValue,       // invalid regular expression
	"bad-input#42":      CodeUnknownOperator,    // {"bogus": 1}
	"bad-input#43":      CodeUnknownPath,        // fields "bogus" on a strict model
	"model-settings#28": CodeProhibitedProperty, // where on a hidden property
	"model-settings#31": CodeProhibitedProperty, // count where on a hidden property
}

// notFilterErrors lists 400s LoopBack raises while executing a valid filter
// (not the filter package's business).
var notFilterErrors = map[string]string{
	"include-members#31": "fields without the id and a hasMany include: the include executor's concern",
}

// routeModel returns the model a GET route reads and the name of its
// filter-valued parameter ("filter", or "where" for count).
func routeModel(set *schema.Set, route string) (*schema.Model, string, bool) {
	segs := strings.Split(strings.Trim(route, "/"), "/")
	var m *schema.Model
	for _, name := range set.Order {
		if set.Models[name].Plural == segs[0] {
			m = set.Models[name]
		}
	}
	if m == nil {
		return nil, "", false
	}
	param := "filter"
	if segs[len(segs)-1] == "count" {
		param = "where"
	}
	if len(segs) >= 3 && segs[2] != "count" {
		rel := m.Relation(segs[2])
		if rel == nil {
			return nil, "", false
		}
		m = set.Models[rel.Model]
	}
	return m, param, true
}

// TestOracle_ParseEveryStep parses the query of every GET step of every
// public scenario against the scenario's models. Where LoopBack answered
// 400 relstore must answer the same message; where it crashed on an unknown
// include relation (500) relstore answers UNKNOWN_RELATION with LoopBack's
// message; where it silently accepted bad input (accept4xx) relstore
// answers the code listed in refusals; everything else must parse.
func TestOracle_ParseEveryStep(t *testing.T) {
	for _, name := range []string{"bad-input", "crud", "customers-orders-reviews", "has-many-through", "has-one",
		"include-members", "locations-inventory", "model-settings", "relation-mutations", "where-order-paging"} {
		sc, g := readOracle(t, name)
		set := loadLB3(t, sc.Models)
		for i, st := range sc.Steps {
			gs := g.Steps[i]
			route, rawQuery, hasQuery := strings.Cut(gs.Path, "?")
			if st.Method != "GET" || !hasQuery {
				continue
			}
			m, param, ok := routeModel(set, route)
			if !ok {
				t.Errorf("%s#%d: no model for %s", name, i, route)
				continue
			}
			key := fmt.Sprintf("%s#%d", name, i)
			t.Run(key, func(t *testing.T) {
				q, err := ParseQuery(rawQuery)
				if err == nil {
					var raw map[string]any
					raw, _, err = ParseParam(q[param])
					if err == nil {
						if param == "where" {
							_, err = ParseWhere(raw, m, set)
						} else {
							_, err = Parse(raw, m, set)
						}
					}
				}
				var fe *Error
				if err != nil && !errors.As(err, &fe) {
					t.Fatalf("%s: not an *Error: %v", gs.Path, err)
				}
				switch {
				case notFilterErrors[key] != "":
					if err != nil {
						t.Errorf("%s: %v", gs.Path, err)
					}
				case gs.Status == 400:
					want := gs.Body.(map[string]any)["error"].(map[string]any)["message"]
					if fe == nil || fe.Message != want {
						t.Errorf("%s: got %v, want 400 %q", gs.Path, err, want)
					}
				case gs.Status == 500:
					want := strings.TrimPrefix(gs.LB3Error, "Error: ")
					if fe == nil || fe.Code != CodeUnknownRelation || fe.Message != want {
						t.Errorf("%s: got %v, want UNKNOWN_RELATION %q", gs.Path, err, want)
					}
				case st.Accept4xx:
					if fe == nil || fe.Code != refusals[key] {
						t.Errorf("%s (%s): got %v, want %s", gs.Path, st.Note, err, refusals[key])
					}
				default:
					if err != nil {
						t.Errorf("%s: %v (LoopBack answered %d)", gs.Path, err, gs.Status)
					}
				}
			})
		}
	}
}
