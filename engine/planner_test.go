package engine

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/storage"
)

// The planner's differential test: thousands of random filters run through
// the planner (db.Find, db.Count, db.UpdateAll, db.DeleteAll) and through a
// naive evaluation of the test's own copy of the records (filter.Parse,
// filter.Match on every record, a stable sort by filter.CompareRecords then
// the id, skip and limit). Any difference is a planner or query bug.
//
// Reproduce a run with -planner.seed=N (or RELSTORE_SEED=N); make it longer
// with -planner.filters=N.

var (
	plannerSeed    = flag.Int64("planner.seed", 0, "seed of TestPlannerDifferential (0: from RELSTORE_SEED or the clock)")
	plannerFilters = flag.Int("planner.filters", 0, "random filters per round of TestPlannerDifferential (0: default)")
)

// testSeed returns the seed of a randomized test: the flag, else the
// RELSTORE_SEED environment variable, else the clock.
func testSeed(t *testing.T, fromFlag int64) int64 {
	t.Helper()
	if fromFlag != 0 {
		return fromFlag
	}
	if s := os.Getenv("RELSTORE_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		require.NoError(t, err, "RELSTORE_SEED")
		return n
	}
	return time.Now().UnixNano()
}

// The model covers every indexable kind and the traps of the index: unique,
// plain, compound (with an array field), foreign key (belongsTo), array
// (one entry per element), any (loose equality across types), non-indexed
// properties, null and missing values, and an undeclared property.
const plannerOwnerModel = `{"name": "Owner", "base": "PersistedModel", "properties": {"name": "string"}}`

const plannerItemModel = `{"name": "Item", "base": "PersistedModel", "idInjection": true,
  "properties": {
    "code":   {"type": "string", "unique": true},
    "rank":   {"type": "number", "unique": true},
    "grp":    {"type": "number", "index": true},
    "name":   {"type": "string"},
    "score":  {"type": "number"},
    "city":   {"type": "string", "index": true},
    "active": {"type": "boolean", "index": true},
    "born":   {"type": "date", "index": true},
    "tags":   {"type": ["string"], "index": true},
    "nums":   {"type": ["number"]},
    "anyv":   {"type": "any", "index": true}
  },
  "indexes": {
    "grp_name":   {"keys": {"grp": 1, "name": 1}},
    "city_score": {"keys": {"city": 1, "score": 1}},
    "tags_grp":   {"keys": {"tags": 1, "grp": 1}},
    "active_born_rank": {"keys": {"active": 1, "born": 1, "rank": 1}}
  },
  "relations": {"owner": {"type": "belongsTo", "model": "Owner", "foreignKey": "ownerId"}}}`

// plannerGen draws random records and filters for the Item model.
type plannerGen struct {
	rng   *rand.Rand
	codes int
	ranks int
}

func (g *plannerGen) pick(vals ...any) any { return vals[g.rng.Intn(len(vals))] }

func (g *plannerGen) pickString(vals []string) string { return vals[g.rng.Intn(len(vals))] }

func (g *plannerGen) chance(p float64) bool { return g.rng.Float64() < p }

var (
	plannerNames  = []any{"", "a", "A", "ab", "Ab", "abc", "b", "B", "ba", "z", "10", "9", "é", "a.b", "a%b", "a_b"}
	plannerCities = []any{"Paris", "paris", "London", "Berlin", "", "Rome", "Lisbon"}
	plannerDates  = []any{"2019-03-10T00:00:00.000Z", "2020-01-15T00:00:00.000Z", "2020-01-15T00:00:00.001Z",
		"2021-06-01T12:30:00.000Z", "2022-11-30T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2020-01-15T00:00:00.0005Z"}
	plannerTags = []any{"a", "b", "c", "A", "10"}
	plannerAny  = []any{1.0, "1", true, false, 0.0, "", "a", 2.5, "2.5", "B", nil}
)

// value draws a stored value for a property; ok false means "leave it out".
func (g *plannerGen) value(prop string) (any, bool) {
	if prop != "code" && prop != "rank" && g.chance(0.08) {
		return nil, false // missing
	}
	if g.chance(0.07) {
		return nil, true // null
	}
	switch prop {
	case "code":
		if g.chance(0.2) {
			return nil, g.chance(0.5)
		}
		g.codes++
		return fmt.Sprintf("c%03d", g.codes*7%1000), true
	case "rank":
		if g.chance(0.2) {
			return nil, g.chance(0.5)
		}
		g.ranks++
		return float64(g.ranks*13%997) - 300, true
	case "grp":
		return g.pick(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, -1.5, 2.5, "3", math.Copysign(0, -1)), true
	case "name":
		return g.pick(plannerNames...), true
	case "score":
		return g.pick(-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 10.0, 100.0), true
	case "city":
		return g.pick(plannerCities...), true
	case "active":
		return g.pick(true, false, "true", 0.0), true
	case "born":
		return g.pick(plannerDates...), true
	case "tags":
		n := g.rng.Intn(4)
		arr := []any{}
		for i := 0; i < n; i++ {
			arr = append(arr, g.pick(plannerTags...))
		}
		return arr, true
	case "nums":
		n := g.rng.Intn(4)
		arr := []any{}
		for i := 0; i < n; i++ {
			arr = append(arr, float64(g.rng.Intn(7)-2))
		}
		return arr, true
	case "anyv":
		return g.pick(plannerAny...), true
	case "ownerId":
		return float64(g.rng.Intn(8) + 1), true
	case "dyn":
		return g.pick(1.0, 2.0, "2", "x", true), true
	}
	panic(prop)
}

var plannerProps = []string{"code", "rank", "grp", "name", "score", "city", "active", "born", "tags", "nums", "anyv", "ownerId", "dyn"}

func (g *plannerGen) record() map[string]any {
	rec := map[string]any{}
	for _, p := range plannerProps {
		if v, ok := g.value(p); ok {
			rec[p] = v
		}
	}
	return rec
}

func (g *plannerGen) patch() map[string]any {
	rec := map[string]any{}
	for _, p := range plannerProps {
		if g.chance(0.25) {
			if v, ok := g.value(p); ok {
				rec[p] = v
			}
		}
	}
	return rec
}

// operand draws a filter operand for a property: mostly values it may hold,
// sometimes a string the parser coerces by the declared type.
func (g *plannerGen) operand(prop string) any {
	switch prop {
	case "id":
		return g.pick(float64(g.rng.Intn(60)+1), float64(g.rng.Intn(400)), strconv.Itoa(g.rng.Intn(60)+1))
	case "code":
		return fmt.Sprintf("c%03d", g.rng.Intn(300)*7%1000)
	case "rank":
		return float64(g.rng.Intn(1000) - 300)
	case "grp":
		return g.pick(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, -1.5, 2.5, "3", 6.0, -10.0, math.Copysign(0, -1))
	case "name":
		return g.pick(plannerNames...)
	case "score", "nums":
		return g.pick(-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 5.0, "5", 8.0, 10.0, 100.0, -0.5)
	case "city":
		return g.pick(append(plannerCities, "M", "Q")...)
	case "active":
		return g.pick(true, false, "true", "0", 1.0)
	case "born":
		return g.pick(append(plannerDates, "2020-01-15", "2020-06-01T00:00:00Z", 1579046400000.0, "2020-01-15T00:00:00.0001Z")...)
	case "tags":
		return g.pick(append(plannerTags, "B", "0")...)
	case "anyv":
		return g.pick(plannerAny[:len(plannerAny)-1]...)
	case "ownerId":
		return float64(g.rng.Intn(10))
	case "dyn":
		return g.pick(1.0, 2.0, "2", "x", true)
	}
	panic(prop)
}

var (
	plannerWhereProps = []string{"id", "code", "rank", "grp", "name", "score", "city", "active", "born", "tags", "nums", "anyv", "ownerId", "dyn"}
	// plannerWeightedProps favours the indexed properties and the id, where
	// plans differ.
	plannerWeightedProps = append(append([]string(nil), plannerWhereProps...),
		"grp", "city", "active", "born", "tags", "ownerId", "code", "id", "rank", "anyv")
	plannerStringLike = map[string]bool{"code": true, "name": true, "city": true, "tags": true, "anyv": true, "dyn": true}
	plannerLikes      = []any{"a%", "%b", "_", "A%", "%", "1%", "a.b", "P%", "%a%", "^a", "Ber_in", "true"}
	plannerRegexps    = []any{"^a", "/^a/i", "b$", "a|b", "^$", "/^P/", "[0-9]", "/IN$/i"}
)

// cond draws the condition object (or bare value) for one property.
func (g *plannerGen) cond(prop string) any {
	op := g.pick("eq", "eq", "eq", "bare", "bare", "neq", "gt", "gte", "lt", "lte", "between",
		"inq", "inq", "nin", "like", "nlike", "ilike", "nilike", "regexp", "range2").(string)
	switch op {
	case "bare":
		if g.chance(0.1) {
			return nil
		}
		return g.operand(prop)
	case "eq", "neq":
		if g.chance(0.1) {
			return map[string]any{op: nil}
		}
		return map[string]any{op: g.operand(prop)}
	case "gt", "gte", "lt", "lte":
		return map[string]any{op: g.operand(prop)}
	case "range2":
		lo := g.pick("gt", "gte").(string)
		hi := g.pick("lt", "lte").(string)
		return map[string]any{lo: g.operand(prop), hi: g.operand(prop)}
	case "between":
		return map[string]any{op: []any{g.operand(prop), g.operand(prop)}}
	case "inq", "nin":
		n := g.rng.Intn(5)
		list := []any{}
		for i := 0; i < n; i++ {
			if g.chance(0.08) {
				list = append(list, nil)
			} else {
				list = append(list, g.operand(prop))
			}
		}
		return map[string]any{op: list}
	case "like", "nlike", "ilike", "nilike":
		return map[string]any{op: g.pick(plannerLikes...)}
	case "regexp":
		if !plannerStringLike[prop] {
			return map[string]any{"like": g.pick(plannerLikes...)}
		}
		return map[string]any{op: g.pick(plannerRegexps...)}
	}
	panic(op)
}

// where draws a where object of the given depth budget.
func (g *plannerGen) where(depth int) map[string]any {
	w := map[string]any{}
	n := 1 + g.rng.Intn(3)
	for i := 0; i < n; i++ {
		if depth > 0 && g.chance(0.25) {
			k := g.pick("and", "or").(string)
			m := g.rng.Intn(4)
			if k == "and" {
				m++ // and:[] is fine, but rarely interesting
			}
			clauses := []any{}
			for j := 0; j < m; j++ {
				clauses = append(clauses, g.where(depth-1))
			}
			w[k] = clauses
			continue
		}
		prop := g.pickString(plannerWeightedProps)
		w[prop] = g.cond(prop)
	}
	return w
}

var plannerOrderProps = []string{"id", "grp", "score", "name", "city", "active", "born", "code", "rank", "anyv", "tags", "dyn", "ownerId"}

func (g *plannerGen) filter() map[string]any {
	f := map[string]any{}
	if !g.chance(0.1) {
		f["where"] = g.where(2)
	}
	if g.chance(0.6) {
		n := 1 + g.rng.Intn(2)
		var keys []any
		for i := 0; i < n; i++ {
			k := g.pickString(plannerOrderProps)
			switch g.rng.Intn(3) {
			case 0:
				k += " DESC"
			case 1:
				k += " ASC"
			}
			keys = append(keys, k)
		}
		if len(keys) == 1 && g.chance(0.5) {
			f["order"] = keys[0]
		} else {
			f["order"] = keys
		}
	}
	if g.chance(0.55) {
		f["limit"] = float64(1 + g.rng.Intn(10))
	}
	if g.chance(0.35) {
		key := "skip"
		if g.chance(0.2) {
			key = "offset"
		}
		f[key] = float64(g.rng.Intn(6))
	}
	return f
}

// naiveQuery evaluates a filter on the test's own records, sorted by id.
func naiveQuery(db *DB, model string, recs []map[string]any, raw map[string]any) (rows []map[string]any, count int, err error) {
	flt, err := filter.Parse(raw, db.Model(model), db.Schema())
	if err != nil {
		return nil, 0, err
	}
	for _, r := range recs {
		ok, err := filter.Match(flt.Where, r, nil)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			rows = append(rows, r)
		}
	}
	count = len(rows)
	sort.SliceStable(rows, func(i, j int) bool {
		if c := filter.CompareRecords(flt.Order, rows[i], rows[j]); c != 0 {
			return c < 0
		}
		return filter.CompareValues(rows[i]["id"], rows[j]["id"]) < 0
	})
	if flt.Skip >= len(rows) {
		rows = nil
	} else {
		rows = rows[flt.Skip:]
	}
	if flt.Limit > 0 && len(rows) > flt.Limit {
		rows = rows[:flt.Limit]
	}
	return rows, count, nil
}

// plannerStore is the test's own copy of the Item records, by id.
type plannerStore map[float64]map[string]any

func (s plannerStore) sorted() []map[string]any {
	out := make([]map[string]any, 0, len(s))
	for _, r := range s {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(float64) < out[j]["id"].(float64) })
	return out
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return string(b)
}

func TestPlannerDifferential(t *testing.T) {
	rounds, perRound, records := 4, 600, 300
	if *plannerFilters > 0 {
		perRound = *plannerFilters
	}
	if testing.Short() {
		rounds, perRound = 2, 200
	}
	seed := testSeed(t, *plannerSeed)
	t.Logf("seed %d (rerun with -planner.seed=%d or RELSTORE_SEED=%d)", seed, seed, seed)
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewSource(seed))
		g := &plannerGen{rng: rng}
		db := openDB(t, open(t), plannerOwnerModel, plannerItemModel)
		store := plannerStore{}
		mismatches := 0
		fail := func(format string, args ...any) {
			t.Helper()
			mismatches++
			if mismatches <= 15 {
				t.Errorf("seed %d: "+format, append([]any{seed}, args...)...)
			}
		}
		explain := func(f map[string]any) string {
			p, err := db.Explain("Item", f)
			if err != nil {
				return "explain: " + err.Error()
			}
			return strings.TrimSpace(p.String())
		}
		access := map[string]int{}
		parseErrors := 0

		for i := 0; i < 8; i++ {
			_, err := db.Create(ctx, "Owner", map[string]any{"name": fmt.Sprintf("o%d", i)})
			require.NoError(t, err)
		}
		create := func() {
			rec, err := db.Create(ctx, "Item", g.record())
			if errors.Is(err, ErrUniqueViolation) {
				return
			}
			require.NoError(t, err)
			store[rec["id"].(float64)] = rec
		}
		for i := 0; i < records; i++ {
			create()
		}
		// resync reloads the test's copy after a reported bulk-write
		// mismatch, so that one bug does not cascade into every later check.
		resync := func() {
			all, err := db.Find(ctx, "Item", nil)
			require.NoError(t, err)
			store = plannerStore{}
			for _, r := range all {
				store[r["id"].(float64)] = r
			}
		}
		liveIDs := func() []float64 {
			var ids []float64
			for id := range store {
				ids = append(ids, id)
			}
			sort.Float64s(ids)
			return ids
		}

		for round := 0; round < rounds; round++ {
			// Mutations between rounds: patches, deletes, creates.
			if round > 0 {
				for i := 0; i < 60; i++ {
					ids := liveIDs()
					switch op := rng.Intn(10); {
					case op < 5 && len(ids) > 0:
						id := ids[rng.Intn(len(ids))]
						rec, err := db.PatchByID(ctx, "Item", id, g.patch())
						if errors.Is(err, ErrUniqueViolation) {
							continue
						}
						require.NoError(t, err)
						store[id] = rec
					case op < 7 && len(ids) > 0:
						id := ids[rng.Intn(len(ids))]
						n, err := db.DeleteByID(ctx, "Item", id)
						require.NoError(t, err)
						require.Equal(t, 1, n)
						delete(store, id)
					default:
						create()
					}
				}
			}
			// Bulk writes through the planner: updateAll and deleteAll must
			// touch exactly the records the naive evaluation matches.
			for i := 0; i < 10; i++ {
				where := g.where(1)
				matched, _, perr := naiveQuery(db, "Item", store.sorted(), map[string]any{"where": where})
				if perr != nil {
					continue
				}
				if i == 9 && len(matched) < 20 {
					n, err := db.DeleteAll(ctx, "Item", where)
					require.NoError(t, err)
					for _, r := range matched {
						delete(store, r["id"].(float64))
					}
					if n != len(matched) {
						fail("deleteAll %s: deleted %d, naive matches %d; plan %s", jsonOf(where), n, len(matched), explain(map[string]any{"where": where}))
						resync()
					}
					continue
				}
				data := map[string]any{"score": float64(rng.Intn(20))}
				for _, p := range []string{"grp", "city", "active", "born", "tags", "anyv", "ownerId"} {
					if g.chance(0.2) {
						if v, ok := g.value(p); ok {
							data[p] = v
						}
					}
				}
				n, err := db.UpdateAll(ctx, "Item", where, data)
				require.NoError(t, err)
				for _, r := range matched {
					id := r["id"].(float64)
					rec, err := db.FindByID(ctx, "Item", id, nil)
					require.NoError(t, err)
					store[id] = rec
				}
				if n != len(matched) {
					fail("updateAll %s: updated %d, naive matches %d; plan %s", jsonOf(where), n, len(matched), explain(map[string]any{"where": where}))
					resync()
				}
			}

			// Reads inside a write transaction see its uncommitted writes
			// through the same plans; a rolled-back transaction leaves
			// nothing behind (the later rounds check the store).
			txStore := plannerStore{}
			for id, r := range store {
				txStore[id] = r
			}
			rollback := round%2 == 1
			errRollback := errors.New("rollback")
			err := db.Update(ctx, func(tx *Tx) error {
				for i := 0; i < 30; i++ {
					var ids []float64
					for id := range txStore {
						ids = append(ids, id)
					}
					sort.Float64s(ids)
					switch op := rng.Intn(3); {
					case op == 0 && len(ids) > 0:
						id := ids[rng.Intn(len(ids))]
						rec, err := tx.PatchByID("Item", id, g.patch())
						if errors.Is(err, ErrUniqueViolation) {
							continue
						}
						require.NoError(t, err)
						txStore[id] = rec
					case op == 1 && len(ids) > 0:
						id := ids[rng.Intn(len(ids))]
						_, err := tx.DeleteByID("Item", id)
						require.NoError(t, err)
						delete(txStore, id)
					default:
						rec, err := tx.Create("Item", g.record())
						if errors.Is(err, ErrUniqueViolation) {
							continue
						}
						require.NoError(t, err)
						txStore[rec["id"].(float64)] = rec
					}
				}
				recs := txStore.sorted()
				for i := 0; i < perRound/6; i++ {
					f := g.filter()
					want, wantCount, werr := naiveQuery(db, "Item", recs, f)
					if werr != nil {
						continue
					}
					got, err := tx.Find("Item", f)
					require.NoError(t, err)
					if a, b := jsonOf(append(ids(got), "end")), jsonOf(append(ids(want), "end")); a != b {
						fail("in a write transaction, filter %s\ngot:   %s\nwant:  %s", jsonOf(f), a, b)
						continue
					}
					where, _ := f["where"].(map[string]any)
					n, err := tx.Count("Item", where)
					require.NoError(t, err)
					if n != wantCount {
						fail("in a write transaction, count %s: got %d, want %d", jsonOf(where), n, wantCount)
					}
				}
				if rollback {
					return errRollback
				}
				return nil
			})
			if rollback {
				require.ErrorIs(t, err, errRollback)
			} else {
				require.NoError(t, err)
				store = txStore
			}

			recs := store.sorted()
			for i := 0; i < perRound; i++ {
				f := g.filter()
				want, wantCount, werr := naiveQuery(db, "Item", recs, f)
				got, gerr := db.Find(ctx, "Item", f)
				if werr != nil {
					parseErrors++
					var fe *filter.Error
					if !errors.As(gerr, &fe) {
						fail("filter %s: naive parse error %v, Find answered %v", jsonOf(f), werr, gerr)
					}
					continue
				}
				if gerr != nil {
					fail("filter %s: Find: %v", jsonOf(f), gerr)
					continue
				}
				p, err := db.Explain("Item", f)
				require.NoError(t, err)
				key := p.Access
				if p.Op != "" {
					key += " " + p.Op
				}
				if p.EarlyStop {
					key += " early-stop"
				}
				access[key]++
				if a, b := jsonOf(append(ids(got), "end")), jsonOf(append(ids(want), "end")); a != b {
					fail("filter %s\nplan:  %s\ngot:   %s\nwant:  %s", jsonOf(f), explain(f), a, b)
					continue
				}
				for j := range want {
					if a, b := jsonOf(got[j]), jsonOf(want[j]); a != b {
						fail("filter %s: record %d differs\ngot:  %s\nwant: %s", jsonOf(f), j, a, b)
						break
					}
				}
				var where map[string]any
				if w, ok := f["where"].(map[string]any); ok {
					where = w
				}
				n, err := db.Count(ctx, "Item", where)
				require.NoError(t, err)
				if n != wantCount {
					fail("count %s: got %d, want %d; plan %s", jsonOf(where), n, wantCount, explain(map[string]any{"where": where}))
				}
			}
		}
		if mismatches > 15 {
			t.Errorf("seed %d: %d mismatches in all (first 15 shown)", seed, mismatches)
		}
		t.Logf("records %d, parse errors %d, plans %v", len(store), parseErrors, access)
		// Every access path must have been exercised.
		for _, k := range []string{"pk eq", "pk inq", "index eq", "index inq", "index range", "index-order early-stop", "scan", "scan early-stop"} {
			require.Greater(t, access[k], 0, "access path %q never planned: %v", k, access)
		}
		mustCheck(t, db)
	})
}

// String primary keys: point reads, pk order and early stops with ids that
// sort as strings ("10" < "9"), operands coerced to strings.
const plannerDocModel = `{"name": "Doc", "base": "PersistedModel", "idInjection": false,
  "properties": {"slug": {"type": "string", "id": true}, "grp": {"type": "number", "index": true}, "name": "string"}}`

func TestPlannerDifferential_StringIDs(t *testing.T) {
	seed := testSeed(t, *plannerSeed)
	t.Logf("seed %d (rerun with -planner.seed=%d or RELSTORE_SEED=%d)", seed, seed, seed)
	filters := 1500
	if testing.Short() {
		filters = 300
	}
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		rng := rand.New(rand.NewSource(seed))
		g := &plannerGen{rng: rng}
		db := openDB(t, open(t), plannerDocModel)
		slug := func() any {
			if g.chance(0.3) {
				return float64(rng.Intn(120))
			}
			return g.pick("a", "b", "A", "é", "", "a b", "10", "9", "09", "1e3", fmt.Sprintf("s%d", rng.Intn(80)), fmt.Sprintf("%d", rng.Intn(120)))
		}
		var recs []map[string]any
		for i := 0; i < 200; i++ {
			data := map[string]any{"slug": slug(), "grp": float64(rng.Intn(5)), "name": g.pick(plannerNames...)}
			rec, err := db.Create(ctx, "Doc", data)
			if errors.Is(err, ErrDuplicateID) {
				continue
			}
			require.NoError(t, err)
			recs = append(recs, rec)
		}
		sort.Slice(recs, func(i, j int) bool { return filter.CompareValues(recs[i]["slug"], recs[j]["slug"]) < 0 })
		docIDs := func(rs []map[string]any) []any {
			out := make([]any, len(rs))
			for i, r := range rs {
				out[i] = r["slug"]
			}
			return out
		}
		access := map[string]int{}
		for i := 0; i < filters; i++ {
			w := map[string]any{}
			switch rng.Intn(4) {
			case 0:
				w["slug"] = slug()
			case 1:
				list := []any{}
				for j := rng.Intn(5); j > 0; j-- {
					list = append(list, slug())
				}
				w["slug"] = map[string]any{"inq": list}
			case 2:
				w["slug"] = map[string]any{g.pick("gt", "gte", "lt", "lte").(string): slug(), "neq": slug()}
			default:
				w["grp"] = g.cond("grp")
			}
			f := map[string]any{"where": w}
			if g.chance(0.3) {
				delete(f, "where")
			}
			if g.chance(0.5) {
				f["order"] = g.pick("slug", "slug DESC", "grp DESC", "name", []any{"grp", "slug DESC"})
			}
			if g.chance(0.6) {
				f["limit"] = float64(1 + rng.Intn(8))
			}
			if g.chance(0.3) {
				f["skip"] = float64(rng.Intn(5))
			}
			flt, err := filter.Parse(f, db.Model("Doc"), db.Schema())
			require.NoError(t, err, jsonOf(f))
			var want []map[string]any
			for _, r := range recs {
				if ok, _ := filter.Match(flt.Where, r, nil); ok {
					want = append(want, r)
				}
			}
			count := len(want)
			sort.SliceStable(want, func(i, j int) bool { return filter.CompareRecords(flt.Order, want[i], want[j]) < 0 })
			if flt.Skip >= len(want) {
				want = nil
			} else {
				want = want[flt.Skip:]
			}
			if flt.Limit > 0 && len(want) > flt.Limit {
				want = want[:flt.Limit]
			}
			got, err := db.Find(ctx, "Doc", f)
			require.NoError(t, err)
			p, err := db.Explain("Doc", f)
			require.NoError(t, err)
			access[p.Access+" "+p.Op]++
			require.Equal(t, jsonOf(append(docIDs(want), "end")), jsonOf(append(docIDs(got), "end")),
				"seed %d: filter %s, plan %s", seed, jsonOf(f), p)
			where, _ := f["where"].(map[string]any)
			n, err := db.Count(ctx, "Doc", where)
			require.NoError(t, err)
			require.Equal(t, count, n, "seed %d: count %s", seed, jsonOf(where))
		}
		t.Logf("plans %v", access)
		require.Greater(t, access["pk eq"], 0)
		require.Greater(t, access["pk inq"], 0)
		mustCheck(t, db)
	})
}
