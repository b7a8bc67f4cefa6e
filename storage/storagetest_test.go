package storage

// The conformance suite shared by every Reader and Engine implementation.
// runReaderSuite checks reads (gets, bounds, directions, SeekGE, a
// randomized differential test); runSuite adds the Engine contract (atomic
// batches, snapshots, closed errors, concurrency).

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// seedFlag overrides the fixed seed of the randomized tests:
// go test ./storage -args -seed=N.
var seedFlag = flag.Uint64("seed", 0, "seed for randomized tests (0 = fixed default)")

const defaultSeed = 7

// newRand returns a deterministic generator and logs its seed.
func newRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = defaultSeed
	}
	t.Logf("seed=%d (replay with -args -seed=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
}

// readerFactory returns a Reader whose contents are the result of applying
// ops, in order, to an empty store. It registers its own cleanup.
type readerFactory func(t *testing.T, ops []Op) Reader

// engineFactory returns a new, empty Engine. It registers its own cleanup,
// which must tolerate the test having closed the engine already.
type engineFactory func(t *testing.T) Engine

// model is the reference: a plain map, sorted on demand.
type model map[string]string

func (m model) apply(ops []Op) {
	for _, op := range ops {
		if op.Kind == OpSet {
			m[string(op.Key)] = string(op.Value)
		} else {
			delete(m, string(op.Key))
		}
	}
}

func (m model) clone() model {
	c := make(model, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// rangeKeys returns the keys within o's bounds in o's direction.
func (m model) rangeKeys(o IterOptions) []string {
	var ks []string
	for k := range m {
		if o.Lower != nil && k < string(o.Lower) {
			continue
		}
		if o.Upper != nil && k >= string(o.Upper) {
			continue
		}
		ks = append(ks, k)
	}
	slices.Sort(ks)
	if o.Reverse {
		slices.Reverse(ks)
	}
	return ks
}

// kv is one collected iterator entry.
type kv struct{ k, v string }

// collect drains an iterator from its start and closes it.
func collect(t *testing.T, it Iterator) []kv {
	t.Helper()
	var out []kv
	for it.Next() {
		out = append(out, kv{string(it.Key()), string(it.Value())})
	}
	if err := it.Err(); err != nil {
		t.Fatalf("iterator error: %v", err)
	}
	if err := it.Close(); err != nil {
		t.Fatalf("iterator close: %v", err)
	}
	return out
}

func (m model) expect(o IterOptions) []kv {
	var out []kv
	for _, k := range m.rangeKeys(o) {
		out = append(out, kv{k, m[k]})
	}
	return out
}

func sets(pairs ...string) []Op {
	var ops []Op
	for i := 0; i+1 < len(pairs); i += 2 {
		ops = append(ops, Op{Kind: OpSet, Key: []byte(pairs[i]), Value: []byte(pairs[i+1])})
	}
	return ops
}

func mustApply(t *testing.T, e Engine, sync bool, ops ...Op) {
	t.Helper()
	if err := e.Apply(&Batch{Ops: ops}, sync); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func mustIter(t *testing.T, r Reader, o IterOptions) Iterator {
	t.Helper()
	it, err := r.NewIter(o)
	if err != nil {
		t.Fatalf("NewIter(%+v): %v", o, err)
	}
	return it
}

func wantGet(t *testing.T, r Reader, key, want string, found bool) {
	t.Helper()
	v, err := r.Get([]byte(key))
	switch {
	case !found && !errors.Is(err, ErrNotFound):
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", key, v, err)
	case found && err != nil:
		t.Fatalf("Get(%q): %v", key, err)
	case found && (string(v) != want || v == nil):
		t.Fatalf("Get(%q) = %q (nil=%v), want %q", key, v, v == nil, want)
	}
}

func b(s string) []byte { return []byte(s) }

// fixedKeys is the content used by the bound and seek tables. It includes
// the empty key, a key with a 0x00 suffix and 0xFF bytes.
var fixedKeys = sets("", "empty", "a", "1", "b", "2", "b\x00", "3", "c", "4", "d", "5", "\xff", "6", "\xff\xff", "7")

func runReaderSuite(t *testing.T, build readerFactory) {
	t.Run("Get", func(t *testing.T) {
		ops := append(sets("k1", "v1", "k2", "v2", "gone", "x", "emptyval", ""),
			Op{Kind: OpDelete, Key: b("gone")}, Op{Kind: OpDelete, Key: b("never")})
		r := build(t, ops)
		tests := []struct {
			name, key, want string
			found           bool
		}{
			{"present", "k1", "v1", true},
			{"other", "k2", "v2", true},
			{"missing", "k3", "", false},
			{"prefix of a key", "k", "", false},
			{"deleted", "gone", "", false},
			{"deleted never set", "never", "", false},
			{"empty value is non-nil", "emptyval", "", true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { wantGet(t, r, tt.key, tt.want, tt.found) })
		}
		t.Run("returns a copy", func(t *testing.T) {
			v, err := r.Get(b("k1"))
			if err != nil {
				t.Fatal(err)
			}
			v[0] = 'X'
			wantGet(t, r, "k1", "v1", true)
		})
	})

	t.Run("Bounds", func(t *testing.T) {
		r := build(t, fixedKeys)
		m := model{}
		m.apply(fixedKeys)
		tests := []struct {
			name         string
			lower, upper []byte
		}{
			{"unbounded", nil, nil},
			{"lower at key", b("b"), nil},
			{"lower between keys", b("bb"), nil},
			{"lower empty is unbounded", b(""), nil},
			{"lower above all", b("\xff\xff\xff"), nil},
			{"upper at key is exclusive", nil, b("c")},
			{"upper between keys", nil, b("b\x00\x00")},
			{"upper empty is empty range", nil, b("")},
			{"upper below all but empty key", nil, b("\x00")},
			{"both", b("a"), b("d")},
			{"both between keys", b("a\x00"), b("c\x00")},
			{"single key", b("b"), b("b\x00")},
			{"equal bounds", b("c"), b("c")},
			{"lower above upper", b("d"), b("b")},
			{"0xff range", b("\xff"), nil},
		}
		for _, tt := range tests {
			for _, rev := range []bool{false, true} {
				o := IterOptions{Lower: tt.lower, Upper: tt.upper, Reverse: rev}
				t.Run(fmt.Sprintf("%s/reverse=%v", tt.name, rev), func(t *testing.T) {
					got := collect(t, mustIter(t, r, o))
					if want := m.expect(o); !slices.Equal(got, want) {
						t.Fatalf("got %q, want %q", got, want)
					}
				})
			}
		}
	})

	t.Run("SeekGE", func(t *testing.T) {
		r := build(t, fixedKeys)
		m := model{}
		m.apply(fixedKeys)
		bounds := []struct {
			name         string
			lower, upper []byte
		}{
			{"unbounded", nil, nil},
			{"bounded", b("a\x00"), b("d")},
		}
		seeks := []string{"", "\x00", "a", "a\x00", "b", "b\x00", "bz", "c", "d", "d\x00", "\xff", "\xff\xff\xff"}
		for _, bd := range bounds {
			for _, rev := range []bool{false, true} {
				for _, s := range seeks {
					o := IterOptions{Lower: bd.lower, Upper: bd.upper, Reverse: rev}
					t.Run(fmt.Sprintf("%s/reverse=%v/seek=%q", bd.name, rev, s), func(t *testing.T) {
						it := mustIter(t, r, o)
						defer it.Close()
						sim := newModelIter(m, o)
						checkMove(t, it, sim, "SeekGE", []byte(s))
						for i := 0; i < len(fixedKeys)+1; i++ {
							checkMove(t, it, sim, "Next", nil)
						}
						// Exhausted iterators stay exhausted; SeekGE revives them.
						checkMove(t, it, sim, "Next", nil)
						checkMove(t, it, sim, "SeekGE", []byte(s))
					})
				}
			}
		}
	})

	t.Run("IteratorAfterExhaustion", func(t *testing.T) {
		r := build(t, sets("a", "1"))
		for _, rev := range []bool{false, true} {
			it := mustIter(t, r, IterOptions{Reverse: rev})
			if !it.Next() || string(it.Key()) != "a" {
				t.Fatalf("reverse=%v: first Next failed", rev)
			}
			for i := 0; i < 3; i++ {
				if it.Next() {
					t.Fatalf("reverse=%v: Next after end returned %q", rev, it.Key())
				}
			}
			if err := it.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("ClosedIterator", func(t *testing.T) {
		r := build(t, sets("a", "1"))
		for _, rev := range []bool{false, true} {
			it := mustIter(t, r, IterOptions{Reverse: rev})
			if !it.Next() {
				t.Fatal("Next found nothing")
			}
			if err := it.Close(); err != nil {
				t.Fatal(err)
			}
			if it.Next() || it.SeekGE(b("a")) {
				t.Fatal("closed iterator moved")
			}
			if !errors.Is(it.Err(), ErrClosed) {
				t.Fatalf("closed iterator Err = %v", it.Err())
			}
			if err := it.Close(); !errors.Is(err, ErrClosed) {
				t.Fatalf("second iterator Close = %v", err)
			}
		}
	})

	t.Run("Empty", func(t *testing.T) {
		r := build(t, nil)
		for _, rev := range []bool{false, true} {
			if got := collect(t, mustIter(t, r, IterOptions{Reverse: rev})); len(got) != 0 {
				t.Fatalf("empty store iterated %q", got)
			}
			it := mustIter(t, r, IterOptions{Reverse: rev})
			if it.SeekGE(b("a")) {
				t.Fatal("SeekGE on empty store found a key")
			}
			it.Close()
		}
		wantGet(t, r, "a", "", false)
	})

	t.Run("BoundsAreCopied", func(t *testing.T) {
		r := build(t, fixedKeys)
		lower, upper := b("b"), b("d")
		it := mustIter(t, r, IterOptions{Lower: lower, Upper: upper})
		lower[0], upper[0] = 'a', 'z' // must not widen the iterator
		got := collect(t, it)
		want := []kv{{"b", "2"}, {"b\x00", "3"}, {"c", "4"}}
		if !slices.Equal(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})

	t.Run("Randomized", func(t *testing.T) {
		r := newRand(t)
		for round := 0; round < 20; round++ {
			m := model{}
			ops := randOps(r, 1+r.IntN(60))
			m.apply(ops)
			rd := build(t, ops)
			for i := 0; i < 30; i++ {
				k := randKey(r)
				v, ok := m[k]
				wantGet(t, rd, k, v, ok)
			}
			for i := 0; i < 20; i++ {
				checkRandomIter(t, r, rd, m)
			}
		}
	})
}

// keyAlphabet makes random keys collide and share prefixes often.
var keyAlphabet = []byte{0x00, 'a', 'b', 0xff}

func randKey(r *rand.Rand) string {
	k := make([]byte, r.IntN(4))
	for i := range k {
		k[i] = keyAlphabet[r.IntN(len(keyAlphabet))]
	}
	return string(k)
}

func randBound(r *rand.Rand) []byte {
	if r.IntN(3) == 0 {
		return nil
	}
	return []byte(randKey(r))
}

// largeOps returns about n sets and deletes over a key space small enough
// for repeats. Keys are "prefix…" + a 4-digit number + an optional suffix,
// with prefixes of 0 to 20 bytes, so that many differ only after their
// 16th byte. Depending on round they come in several interleaved
// ascending sequences, in random order, or in descending order.
func largeOps(r *rand.Rand, n, round int) []Op {
	prefixes := []string{"", "a", "record/", "index/customerId/0000000000/"}
	key := func(p string, i int) []byte {
		k := fmt.Sprintf("%s%04d", p, i)
		if i%7 == 0 {
			k += "\x00tail"
		}
		return []byte(k)
	}
	op := func(k []byte) Op {
		if r.IntN(5) == 0 {
			return Op{Kind: OpDelete, Key: k}
		}
		return Op{Kind: OpSet, Key: k, Value: []byte(fmt.Sprintf("v%d", r.IntN(1000)))}
	}
	ops := make([]Op, 0, n)
	switch round % 3 {
	case 0: // interleaved ascending sequences, restarting (repeats)
		pos := make([]int, len(prefixes))
		for len(ops) < n {
			j := r.IntN(len(prefixes))
			ops = append(ops, op(key(prefixes[j], pos[j])))
			pos[j] = (pos[j] + 1 + r.IntN(3)) % 2000
		}
	case 1: // random
		for len(ops) < n {
			ops = append(ops, op(key(prefixes[r.IntN(len(prefixes))], r.IntN(1500))))
		}
	default: // descending, with repeats
		for i := n; len(ops) < n; i-- {
			ops = append(ops, op(key(prefixes[i%len(prefixes)], i/2)))
		}
	}
	return ops
}

// randOps returns n random sets and deletes.
func randOps(r *rand.Rand, n int) []Op {
	ops := make([]Op, n)
	for i := range ops {
		k := []byte(randKey(r))
		if r.IntN(4) == 0 {
			ops[i] = Op{Kind: OpDelete, Key: k}
		} else {
			ops[i] = Op{Kind: OpSet, Key: k, Value: []byte(fmt.Sprintf("v%d", r.IntN(1000)))}
		}
	}
	return ops
}

// modelIter simulates an Iterator over a model.
type modelIter struct {
	keys    []string // in iteration order
	m       model
	reverse bool
	pos     int // -1 before the start, len(keys) when exhausted
}

func newModelIter(m model, o IterOptions) *modelIter {
	return &modelIter{keys: m.rangeKeys(o), m: m, reverse: o.Reverse, pos: -1}
}

func (s *modelIter) next() bool {
	if s.pos < len(s.keys) {
		s.pos++
	}
	return s.pos < len(s.keys)
}

func (s *modelIter) seekGE(key string) bool {
	s.pos = len(s.keys)
	for i, k := range s.keys {
		if (!s.reverse && k >= key) || (s.reverse && k <= key) {
			s.pos = i
			break
		}
	}
	return s.pos < len(s.keys)
}

// checkMove performs one move on both it and sim and compares the results.
func checkMove(t *testing.T, it Iterator, sim *modelIter, move string, key []byte) {
	t.Helper()
	var got, want bool
	if move == "Next" {
		got, want = it.Next(), sim.next()
	} else {
		got, want = it.SeekGE(key), sim.seekGE(string(key))
	}
	if got != want {
		t.Fatalf("%s(%q) = %v, want %v (model keys %q, pos %d)", move, key, got, want, sim.keys, sim.pos)
	}
	if err := it.Err(); err != nil {
		t.Fatalf("%s(%q): Err = %v", move, key, err)
	}
	if !got {
		return
	}
	wk := sim.keys[sim.pos]
	if string(it.Key()) != wk || string(it.Value()) != sim.m[wk] {
		t.Fatalf("%s(%q) at %q=%q, want %q=%q", move, key, it.Key(), it.Value(), wk, sim.m[wk])
	}
}

// checkRandomIter runs a random sequence of moves on a random iterator of
// rd and compares it with m.
func checkRandomIter(t *testing.T, r *rand.Rand, rd Reader, m model) {
	t.Helper()
	o := IterOptions{Lower: randBound(r), Upper: randBound(r), Reverse: r.IntN(2) == 0}
	it := mustIter(t, rd, o)
	sim := newModelIter(m, o)
	for j := 0; j < 12; j++ {
		if r.IntN(4) == 0 {
			checkMove(t, it, sim, "SeekGE", []byte(randKey(r)))
		} else {
			checkMove(t, it, sim, "Next", nil)
		}
	}
	if err := it.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// runSuite runs the reader suite on engines plus the Engine contract.
func runSuite(t *testing.T, newEngine engineFactory) {
	runReaderSuite(t, func(t *testing.T, ops []Op) Reader {
		e := newEngine(t)
		mustApply(t, e, false, ops...)
		return e
	})

	t.Run("LargeBatches", func(t *testing.T) {
		// Batches from sortedApplyMin up are applied in key order: the
		// result must still be that of batch order. Keys share long
		// prefixes (ties on the inline 16 bytes), repeat within a batch and
		// across batches, and arrive in interleaved ascending runs, in
		// random order, or both.
		r := newRand(t)
		e := newEngine(t)
		m := model{}
		for round := 0; round < 6; round++ {
			ops := largeOps(r, sortedApplyMin+r.IntN(3*sortedApplyMin), round)
			mustApply(t, e, false, ops...)
			m.apply(ops)
			if got, want := collect(t, mustIter(t, e, IterOptions{})), m.expect(IterOptions{}); !slices.Equal(got, want) {
				t.Fatalf("round %d: engine holds %d keys, model %d (or different values)", round, len(got), len(want))
			}
			for i := 0; i < 50; i++ {
				k := string(ops[r.IntN(len(ops))].Key)
				v, ok := m[k]
				wantGet(t, e, k, v, ok)
			}
		}
	})

	t.Run("BatchLaterOpWins", func(t *testing.T) {
		e := newEngine(t)
		mustApply(t, e, true,
			Op{Kind: OpSet, Key: b("k"), Value: b("1")},
			Op{Kind: OpSet, Key: b("k"), Value: b("2")},
			Op{Kind: OpDelete, Key: b("k")},
			Op{Kind: OpSet, Key: b("k"), Value: b("3")},
			Op{Kind: OpSet, Key: b("gone"), Value: b("x")},
			Op{Kind: OpDelete, Key: b("gone")},
		)
		wantGet(t, e, "k", "3", true)
		wantGet(t, e, "gone", "", false)
		if got := collect(t, mustIter(t, e, IterOptions{})); !slices.Equal(got, []kv{{"k", "3"}}) {
			t.Fatalf("iterated %q", got)
		}
	})

	t.Run("BatchHelpers", func(t *testing.T) {
		e := newEngine(t)
		var bt Batch
		bt.Set(b("a"), b("1"))
		bt.Set(b("b"), b("2"))
		bt.Delete(b("a"))
		if bt.Len() != 3 {
			t.Fatalf("Len = %d", bt.Len())
		}
		if err := e.Apply(&bt, false); err != nil {
			t.Fatal(err)
		}
		wantGet(t, e, "a", "", false)
		wantGet(t, e, "b", "2", true)
		for _, empty := range []*Batch{nil, {}} {
			if err := e.Apply(empty, true); err != nil {
				t.Fatalf("Apply(empty): %v", err)
			}
		}
	})

	t.Run("BatchUnknownKindAppliesNothing", func(t *testing.T) {
		e := newEngine(t)
		err := e.Apply(&Batch{Ops: []Op{{Kind: OpSet, Key: b("a"), Value: b("1")}, {Kind: 99, Key: b("b")}}}, false)
		if err == nil {
			t.Fatal("Apply accepted an unknown op kind")
		}
		wantGet(t, e, "a", "", false)
	})

	t.Run("SyncWAL", func(t *testing.T) {
		e := newEngine(t)
		mustApply(t, e, false, sets("a", "1")...)
		if err := e.SyncWAL(); err != nil {
			t.Fatal(err)
		}
		wantGet(t, e, "a", "1", true)
	})

	t.Run("Snapshot", func(t *testing.T) {
		e := newEngine(t)
		mustApply(t, e, false, sets("a", "1", "b", "2", "c", "3")...)
		s, err := e.NewSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		it := mustIter(t, e, IterOptions{}) // engine iterator: implicit snapshot
		mustApply(t, e, false,
			Op{Kind: OpSet, Key: b("a"), Value: b("new")},
			Op{Kind: OpDelete, Key: b("b")},
			Op{Kind: OpSet, Key: b("d"), Value: b("4")})
		before := []kv{{"a", "1"}, {"b", "2"}, {"c", "3"}}
		after := []kv{{"a", "new"}, {"c", "3"}, {"d", "4"}}
		if got := collect(t, it); !slices.Equal(got, before) {
			t.Fatalf("engine iterator created before the write saw %q", got)
		}
		if got := collect(t, mustIter(t, s, IterOptions{})); !slices.Equal(got, before) {
			t.Fatalf("snapshot iterated %q, want %q", got, before)
		}
		wantGet(t, s, "a", "1", true)
		wantGet(t, s, "b", "2", true)
		wantGet(t, s, "d", "", false)
		if got := collect(t, mustIter(t, e, IterOptions{})); !slices.Equal(got, after) {
			t.Fatalf("engine iterated %q, want %q", got, after)
		}
		s2, err := e.NewSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		if got := collect(t, mustIter(t, s2, IterOptions{Reverse: true})); !slices.Equal(got, []kv{{"d", "4"}, {"c", "3"}, {"a", "new"}}) {
			t.Fatalf("new snapshot iterated %q", got)
		}
		for _, sn := range []Snapshot{s, s2} {
			if err := sn.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("Closed", func(t *testing.T) {
		e := newEngine(t)
		mustApply(t, e, false, sets("a", "1")...)

		s, err := e.NewSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(b("a")); !errors.Is(err, ErrClosed) {
			t.Fatalf("closed snapshot Get = %v", err)
		}
		if _, err := s.NewIter(IterOptions{}); !errors.Is(err, ErrClosed) {
			t.Fatalf("closed snapshot NewIter = %v", err)
		}
		if err := s.Close(); !errors.Is(err, ErrClosed) {
			t.Fatalf("second snapshot Close = %v", err)
		}

		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		checks := map[string]error{}
		_, checks["Get"] = e.Get(b("a"))
		_, checks["NewIter"] = e.NewIter(IterOptions{})
		_, checks["NewSnapshot"] = e.NewSnapshot()
		checks["Apply"] = e.Apply(&Batch{Ops: sets("b", "2")}, false)
		checks["Apply(empty)"] = e.Apply(nil, false)
		checks["SyncWAL"] = e.SyncWAL()
		checks["Close"] = e.Close()
		for name, err := range checks {
			if !errors.Is(err, ErrClosed) {
				t.Errorf("%s after Close = %v, want ErrClosed", name, err)
			}
		}
	})

	t.Run("ConcurrentAtomicity", func(t *testing.T) {
		// A writer rewrites 10 keys per batch with the batch number;
		// readers must always see all 10 keys with one value.
		e := newEngine(t)
		const nKeys, nBatches, nReaders = 10, 150, 3
		write := func(i int) {
			var bt Batch
			for k := 0; k < nKeys; k++ {
				bt.Set([]byte(fmt.Sprintf("k%02d", k)), []byte(fmt.Sprint(i)))
			}
			if i%10 == 9 { // and sometimes delete them all
				bt.Reset()
				for k := 0; k < nKeys; k++ {
					bt.Delete([]byte(fmt.Sprintf("k%02d", k)))
				}
			}
			if err := e.Apply(&bt, i%25 == 0); err != nil {
				t.Error(err)
			}
		}
		check := func(got []kv, what string) {
			if len(got) != 0 && len(got) != nKeys {
				t.Errorf("%s saw %d keys: %q", what, len(got), got)
				return
			}
			for _, x := range got {
				if x.v != got[0].v {
					t.Errorf("%s saw a torn batch: %q", what, got)
					return
				}
			}
		}
		var wg sync.WaitGroup
		done := make(chan struct{})
		for r := 0; r < nReaders; r++ {
			wg.Add(1)
			go func(r int) {
				defer wg.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					switch r {
					case 0:
						check(collect(t, mustIter(t, e, IterOptions{Reverse: true})), "iterator")
					case 1:
						s, err := e.NewSnapshot()
						if err != nil {
							t.Error(err)
							return
						}
						var got []kv
						for k := 0; k < nKeys; k++ {
							key := fmt.Sprintf("k%02d", k)
							if v, err := s.Get([]byte(key)); err == nil {
								got = append(got, kv{key, string(v)})
							}
						}
						check(got, "snapshot gets")
						check(collect(t, mustIter(t, s, IterOptions{Lower: b("k")})), "snapshot iterator")
						s.Close()
					default:
						if _, err := e.Get(b("k05")); err != nil && !errors.Is(err, ErrNotFound) {
							t.Error(err)
						}
					}
				}
			}(r)
		}
		for i := 0; i < nBatches; i++ {
			write(i)
		}
		close(done)
		wg.Wait()
	})

	t.Run("RandomizedWithSnapshots", func(t *testing.T) {
		r := newRand(t)
		e := newEngine(t)
		m := model{}
		type snap struct {
			s Snapshot
			m model
		}
		var snaps []snap
		for step := 0; step < 300; step++ {
			switch x := r.IntN(10); {
			case x < 4:
				ops := randOps(r, 1+r.IntN(6))
				mustApply(t, e, r.IntN(20) == 0, ops...)
				m.apply(ops)
			case x < 5 && len(snaps) < 4:
				s, err := e.NewSnapshot()
				if err != nil {
					t.Fatal(err)
				}
				snaps = append(snaps, snap{s, m.clone()})
			case x < 6 && len(snaps) > 0:
				i := r.IntN(len(snaps))
				if err := snaps[i].s.Close(); err != nil {
					t.Fatal(err)
				}
				snaps = slices.Delete(snaps, i, i+1)
			case x < 8:
				k := randKey(r)
				v, ok := m[k]
				wantGet(t, e, k, v, ok)
				for _, s := range snaps {
					v, ok := s.m[k]
					wantGet(t, s.s, k, v, ok)
				}
			default:
				if len(snaps) > 0 && r.IntN(2) == 0 {
					s := snaps[r.IntN(len(snaps))]
					checkRandomIter(t, r, s.s, s.m)
				} else {
					checkRandomIter(t, r, e, m)
				}
			}
		}
		for _, s := range snaps {
			s.s.Close()
		}
	})
}
