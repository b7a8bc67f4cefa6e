package storage

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// overlayReader builds the reader-suite store as ops[:cut] applied to a
// Memory and ops[cut:] recorded in an Overlay on top of it.
func overlayReader(cut func(n int) int) readerFactory {
	return func(t *testing.T, ops []Op) Reader {
		base := newMemoryEngine(t)
		c := cut(len(ops))
		mustApply(t, base, false, ops[:c]...)
		o := NewOverlay(base)
		for _, op := range ops[c:] {
			if op.Kind == OpSet {
				o.Set(op.Key, op.Value)
			} else {
				o.Delete(op.Key)
			}
		}
		return o
	}
}

func TestOverlay(t *testing.T) {
	cuts := []struct {
		name string
		cut  func(n int) int
	}{
		{"AllInOverlay", func(int) int { return 0 }},
		{"AllInBase", func(n int) int { return n }},
		{"Half", func(n int) int { return n / 2 }},
		{"Third", func(n int) int { return n / 3 }},
	}
	for _, c := range cuts {
		t.Run(c.name, func(t *testing.T) { runReaderSuite(t, overlayReader(c.cut)) })
	}
}

func TestOverlayReadsOwnWrites(t *testing.T) {
	base := newMemoryEngine(t)
	mustApply(t, base, false, sets("a", "1", "b", "2", "c", "3", "e", "5")...)
	o := NewOverlay(base)
	o.Set(b("b"), b("B"))
	o.Delete(b("c"))
	o.Set(b("d"), b("D"))
	o.Delete(b("zz")) // absent everywhere

	wantGet(t, o, "a", "1", true)
	wantGet(t, o, "b", "B", true)
	wantGet(t, o, "c", "", false)
	wantGet(t, o, "d", "D", true)
	wantGet(t, o, "zz", "", false)

	tests := []struct {
		name string
		o    IterOptions
		want []kv
	}{
		{"forward", IterOptions{}, []kv{{"a", "1"}, {"b", "B"}, {"d", "D"}, {"e", "5"}}},
		{"reverse", IterOptions{Reverse: true}, []kv{{"e", "5"}, {"d", "D"}, {"b", "B"}, {"a", "1"}}},
		{"bounded", IterOptions{Lower: b("b"), Upper: b("e")}, []kv{{"b", "B"}, {"d", "D"}}},
		{"bounded reverse", IterOptions{Lower: b("b\x00"), Upper: b("e\x00"), Reverse: true}, []kv{{"e", "5"}, {"d", "D"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := collect(t, mustIter(t, o, tt.o)); !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	// The base is untouched.
	wantGet(t, base, "c", "3", true)
	wantGet(t, base, "d", "", false)
}

// TestOverlaySameKeySequences: the overlay's view and the applied batch
// agree for every mix of sets and deletes of one key.
func TestOverlaySameKeySequences(t *testing.T) {
	tests := []struct {
		name  string
		base  bool   // key present in the base
		ops   string // S = set, D = delete
		found bool
	}{
		{"set", false, "S", true},
		{"delete base key", true, "D", false},
		{"set delete", false, "SD", false},
		{"set delete set", false, "SDS", true},
		{"delete set on base key", true, "DS", true},
		{"set delete set delete", true, "SDSD", false},
		{"delete delete", true, "DD", false},
		{"set set", false, "SS", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMemoryEngine(t)
			mustApply(t, e, false, sets("a", "A", "z", "Z")...)
			if tt.base {
				mustApply(t, e, false, sets("k", "base")...)
			}
			o := NewOverlay(e)
			want := "base"
			for i, c := range tt.ops {
				if c == 'S' {
					want = fmt.Sprint("v", i)
					o.Set(b("k"), []byte(want))
				} else {
					o.Delete(b("k"))
				}
			}
			check := func(r Reader) {
				t.Helper()
				wantGet(t, r, "k", want, tt.found)
				exp := []kv{{"a", "A"}}
				if tt.found {
					exp = append(exp, kv{"k", want})
				}
				exp = append(exp, kv{"z", "Z"})
				for _, rev := range []bool{false, true} {
					got := collect(t, mustIter(t, r, IterOptions{Reverse: rev}))
					w := slices.Clone(exp)
					if rev {
						slices.Reverse(w)
					}
					if !slices.Equal(got, w) {
						t.Fatalf("reverse=%v: got %q, want %q", rev, got, w)
					}
				}
				it := mustIter(t, r, IterOptions{})
				defer it.Close()
				if !it.SeekGE(b("k")) {
					t.Fatal("SeekGE(k) found nothing")
				}
				if wk := map[bool]string{true: "k", false: "z"}[tt.found]; string(it.Key()) != wk {
					t.Fatalf("SeekGE(k) at %q, want %q", it.Key(), wk)
				}
			}
			check(o)
			// The batch holds the latest write of "k" only.
			if o.Len() != len(tt.ops) || o.Batch().Len() != 1 {
				t.Fatalf("Len = %d, batch len = %d, want %d and 1", o.Len(), o.Batch().Len(), len(tt.ops))
			}
			if err := e.Apply(o.Batch(), false); err != nil {
				t.Fatal(err)
			}
			check(e)
		})
	}
}

// TestOverlayRandomized interleaves overlay writes with reads and checks
// against a model, over a Memory and over a Pebble snapshot, then applies
// the batch and checks the engine.
func TestOverlayRandomized(t *testing.T) {
	engines := []struct {
		name string
		new  engineFactory
	}{
		{"Memory", newMemoryEngine},
		{"PebbleSnapshot", func(t *testing.T) Engine {
			return openPebble(t, "db", &PebbleOptions{FS: vfs.NewMem(), CacheSize: 1 << 20})
		}},
	}
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			r := newRand(t)
			for round := 0; round < 10; round++ {
				e := eng.new(t)
				m := model{}
				baseOps := randOps(r, r.IntN(40))
				mustApply(t, e, false, baseOps...)
				m.apply(baseOps)
				snap, err := e.NewSnapshot()
				if err != nil {
					t.Fatal(err)
				}
				mustApply(t, e, false, randOps(r, 10)...) // invisible to the snapshot
				o := NewOverlay(snap)
				for step := 0; step < 100; step++ {
					switch x := r.IntN(10); {
					case x < 5:
						op := randOps(r, 1)[0]
						if op.Kind == OpSet {
							o.Set(op.Key, op.Value)
						} else {
							o.Delete(op.Key)
						}
						m.apply([]Op{op})
					case x < 7:
						k := randKey(r)
						v, ok := m[k]
						wantGet(t, o, k, v, ok)
					default:
						checkRandomIter(t, r, o, m)
					}
				}
				snap.Close()
				e2 := eng.new(t)
				mustApply(t, e2, false, baseOps...)
				if err := e2.Apply(o.Batch(), false); err != nil {
					t.Fatal(err)
				}
				if got, want := collect(t, mustIter(t, e2, IterOptions{})), m.expect(IterOptions{}); !slices.Equal(got, want) {
					t.Fatalf("round %d: applied batch gives %q, want %q", round, got, want)
				}
			}
		})
	}
}

func TestOverlayIteratorIsolation(t *testing.T) {
	o := NewOverlay(newMemoryEngine(t))
	o.Set(b("a"), b("1"))
	it := mustIter(t, o, IterOptions{})
	o.Set(b("b"), b("2"))
	o.Delete(b("a"))
	if got := collect(t, it); !slices.Equal(got, []kv{{"a", "1"}}) {
		t.Fatalf("iterator saw later writes: %q", got)
	}
	if got := collect(t, mustIter(t, o, IterOptions{})); !slices.Equal(got, []kv{{"b", "2"}}) {
		t.Fatalf("new iterator: %q", got)
	}
}

func TestOverlayReset(t *testing.T) {
	base := newMemoryEngine(t)
	mustApply(t, base, false, sets("a", "1")...)
	o := NewOverlay(base)
	o.Delete(b("a"))
	o.Set(b("b"), b("2"))
	o.Reset()
	if o.Len() != 0 || o.Batch().Len() != 0 {
		t.Fatalf("Len after Reset = %d", o.Len())
	}
	wantGet(t, o, "a", "1", true)
	wantGet(t, o, "b", "", false)
}

// failingReader returns errors from NewIter or from its iterators.
type failingReader struct {
	Reader
	newIterErr, iterErr error
}

func (f failingReader) NewIter(o IterOptions) (Iterator, error) {
	if f.newIterErr != nil {
		return nil, f.newIterErr
	}
	return failingIter{f.iterErr}, nil
}

type failingIter struct{ err error }

func (failingIter) Next() bool         { return false }
func (failingIter) SeekGE([]byte) bool { return false }
func (failingIter) Key() []byte        { return nil }
func (failingIter) Value() []byte      { return nil }
func (f failingIter) Err() error       { return f.err }
func (failingIter) Close() error       { return nil }

func TestOverlayUnderlyingErrors(t *testing.T) {
	boom := errors.New("boom")
	t.Run("NewIter", func(t *testing.T) {
		o := NewOverlay(failingReader{newIterErr: boom})
		if _, err := o.NewIter(IterOptions{}); !errors.Is(err, boom) {
			t.Fatalf("NewIter = %v, want boom", err)
		}
	})
	for _, move := range []string{"Next", "SeekGE"} {
		t.Run("iterator "+move, func(t *testing.T) {
			o := NewOverlay(failingReader{iterErr: boom})
			o.Set(b("a"), b("1")) // the overlay alone would yield a key
			it := mustIter(t, o, IterOptions{})
			var ok bool
			if move == "Next" {
				ok = it.Next()
			} else {
				ok = it.SeekGE(b("a"))
			}
			if ok || !errors.Is(it.Err(), boom) {
				t.Fatalf("%s = %v, Err = %v; want false, boom", move, ok, it.Err())
			}
			it.Close()
		})
	}
	t.Run("closed snapshot", func(t *testing.T) {
		s, err := newMemoryEngine(t).NewSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		o := NewOverlay(s)
		if _, err := o.NewIter(IterOptions{}); !errors.Is(err, ErrClosed) {
			t.Fatalf("NewIter over closed snapshot = %v", err)
		}
		if _, err := o.Get(b("x")); !errors.Is(err, ErrClosed) {
			t.Fatalf("Get over closed snapshot = %v", err)
		}
	})
}
