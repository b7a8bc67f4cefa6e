package storage

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
)

func openPebble(t *testing.T, dir string, opts *PebbleOptions) *Pebble {
	t.Helper()
	p, err := OpenPebble(dir, opts)
	if err != nil {
		t.Fatalf("OpenPebble(%q): %v", dir, err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func TestPebbleMemFS(t *testing.T) {
	runSuite(t, func(t *testing.T) Engine {
		return openPebble(t, "db", &PebbleOptions{FS: vfs.NewMem(), CacheSize: 1 << 20})
	})
}

func TestPebbleDisk(t *testing.T) {
	runSuite(t, func(t *testing.T) Engine { return openPebble(t, t.TempDir(), nil) })
}

func TestPebbleNoSync(t *testing.T) {
	p := openPebble(t, "db", &PebbleOptions{FS: vfs.NewMem(), NoSync: true})
	mustApply(t, p, true, sets("a", "1")...)
	if err := p.SyncWAL(); err != nil {
		t.Fatal(err)
	}
	wantGet(t, p, "a", "1", true)
}

// TestPebbleReopen: data applied with sync survives Close and reopen, on
// disk and on a memory FS.
func TestPebbleReopen(t *testing.T) {
	tests := []struct {
		name string
		fs   vfs.FS
		dir  string
	}{
		{"disk", nil, filepath.Join(t.TempDir(), "db")},
		{"memfs", vfs.NewMem(), "db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := OpenPebble(tt.dir, &PebbleOptions{FS: tt.fs})
			if err != nil {
				t.Fatal(err)
			}
			mustApply(t, p, true, sets("a", "1", "b", "2")...)
			mustApply(t, p, true, Op{Kind: OpDelete, Key: b("a")}, Op{Kind: OpSet, Key: b("c"), Value: b("3")})
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			p = openPebble(t, tt.dir, &PebbleOptions{FS: tt.fs})
			want := []kv{{"b", "2"}, {"c", "3"}}
			if got := collect(t, mustIter(t, p, IterOptions{})); !slices.Equal(got, want) {
				t.Fatalf("after reopen: %q, want %q", got, want)
			}
		})
	}
}

// TestPebbleConcurrentSyncApply: many goroutines applying with sync (group
// commit) all succeed and all their data is present, also after reopen.
func TestPebbleConcurrentSyncApply(t *testing.T) {
	dir := t.TempDir()
	p, err := OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 16, 20
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				var bt Batch
				bt.Set([]byte(fmt.Sprintf("w%02d/%03d", w, i)), []byte(fmt.Sprint(w*1000+i)))
				bt.Set([]byte(fmt.Sprintf("last/%02d", w)), []byte(fmt.Sprint(i)))
				if err := p.Apply(&bt, true); err != nil {
					t.Error(err)
					return
				}
				if i%7 == 0 {
					if err := p.SyncWAL(); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	check := func(p *Pebble) {
		t.Helper()
		for w := 0; w < writers; w++ {
			for i := 0; i < perWriter; i++ {
				wantGet(t, p, fmt.Sprintf("w%02d/%03d", w, i), fmt.Sprint(w*1000+i), true)
			}
			wantGet(t, p, fmt.Sprintf("last/%02d", w), fmt.Sprint(perWriter-1), true)
		}
		if n := len(collect(t, mustIter(t, p, IterOptions{Lower: b("w"), Upper: b("x")}))); n != writers*perWriter {
			t.Fatalf("iterated %d keys, want %d", n, writers*perWriter)
		}
	}
	check(p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	check(openPebble(t, dir, nil))
}

func TestPebbleReadOnly(t *testing.T) {
	fs := vfs.NewMem()
	p, err := OpenPebble("db", &PebbleOptions{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, p, true, sets("a", "1")...)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	ro := openPebble(t, "db", &PebbleOptions{FS: fs, ReadOnly: true})
	wantGet(t, ro, "a", "1", true)
	if err := ro.Apply(&Batch{Ops: sets("b", "2")}, false); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Apply on read-only = %v, want ErrReadOnly", err)
	}
	if err := ro.Flush(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Flush on read-only = %v, want ErrReadOnly", err)
	}
	if err := ro.SyncWAL(); err != nil {
		t.Fatalf("SyncWAL on read-only = %v, want nil", err)
	}
	if _, err := OpenPebble("missing", &PebbleOptions{FS: fs, ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing store succeeded")
	}
}

// TestPebbleFlushAndCheckpoint: data survives a flush to sstables, and a
// checkpoint opens as an independent copy with everything committed before
// it (synced or not).
func TestPebbleFlushAndCheckpoint(t *testing.T) {
	root := t.TempDir()
	p := openPebble(t, filepath.Join(root, "db"), nil)
	mustApply(t, p, true, sets("a", "1", "b", "2")...)
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, p, false, sets("c", "3")...) // unsynced, still in the memtable
	cp := filepath.Join(root, "backup")
	if err := p.Checkpoint(cp); err != nil {
		t.Fatal(err)
	}
	if err := p.Checkpoint(cp); err == nil {
		t.Fatal("Checkpoint into an existing directory succeeded")
	}
	mustApply(t, p, false, sets("d", "4")...)
	backup := openPebble(t, cp, nil)
	want := []kv{{"a", "1"}, {"b", "2"}, {"c", "3"}}
	if got := collect(t, mustIter(t, backup, IterOptions{})); !slices.Equal(got, want) {
		t.Fatalf("checkpoint holds %q, want %q", got, want)
	}
	wantGet(t, p, "d", "4", true)
	p.Close()
	if err := p.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close = %v", err)
	}
	if err := p.Checkpoint(filepath.Join(root, "x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Checkpoint after Close = %v", err)
	}
}

// TestPebbleLargeValues checks values big enough to leave the memtable
// fast path, through Get and iterators, before and after a flush.
func TestPebbleLargeValues(t *testing.T) {
	p := openPebble(t, "db", &PebbleOptions{FS: vfs.NewMem()})
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	mustApply(t, p, false, Op{Kind: OpSet, Key: b("big"), Value: big})
	for round := 0; round < 2; round++ {
		v, err := p.Get(b("big"))
		if err != nil || !slices.Equal(v, big) {
			t.Fatalf("round %d: Get big: len %d, %v", round, len(v), err)
		}
		it := mustIter(t, p, IterOptions{})
		if !it.Next() || !slices.Equal(it.Value(), big) {
			t.Fatalf("round %d: iterator value mismatch", round)
		}
		it.Close()
		if err := p.Flush(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPebbleCloseWithOpenHandles: closing the engine under an open
// iterator reports Pebble's leak error instead of panicking, and the
// leaked handles then fail with ErrClosed.
func TestPebbleCloseWithOpenHandles(t *testing.T) {
	p, err := OpenPebble("db", &PebbleOptions{FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, p, false, sets("a", "1")...)
	s, err := p.NewSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	it := mustIter(t, p, IterOptions{})
	if !it.Next() {
		t.Fatal("Next found nothing")
	}
	if err := p.Close(); err == nil {
		t.Fatal("Close with an open iterator reported no error")
	}
	if it.Next() || !errors.Is(it.Err(), ErrClosed) {
		t.Fatalf("iterator after engine Close: Err = %v", it.Err())
	}
	if err := it.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("iterator Close after engine Close = %v", err)
	}
	if _, err := s.Get(b("a")); !errors.Is(err, ErrClosed) {
		t.Fatalf("snapshot Get after engine Close = %v", err)
	}
	if err := s.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("snapshot Close after engine Close = %v", err)
	}
}

// TestPebbleKeptIterPointReads: point reads through one kept iterator
// (SeekGE, then a key-equality check; the engine reads records so in
// read-only transactions) answer exactly what Get answers, for keys in
// any order, repeats included, in memtables and tables, with and without
// bounds, on the engine and on a snapshot isolated from later writes.
func TestPebbleKeptIterPointReads(t *testing.T) {
	p := openPebble(t, "db", &PebbleOptions{FS: vfs.NewMem()})
	mustApply(t, p, false, sets("a", "1", "ab", "2", "abc", "3", "b", "4", "b\x00", "5", "c", "6", "d", "7")...)
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	// Memtable versions over table versions: an overwrite, a delete, a
	// new key.
	mustApply(t, p, false, append(sets("ab", "2b", "bb", "8"), Op{Kind: OpDelete, Key: b("c")})...)
	snap, err := p.NewSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	// Later writes the snapshot must not see.
	mustApply(t, p, false, append(sets("a", "1x", "zz", "9"), Op{Kind: OpDelete, Key: b("b")})...)

	probes := []string{"", "\x00", "a", "a\x00", "aa", "ab", "abc", "abcd", "b", "b\x00", "b\x00\x00",
		"ba", "bb", "c", "d", "d\x00", "e", "zz", "zzz", "\xff\xff"}
	orders := map[string][]string{"asc": slices.Clone(probes), "desc": slices.Clone(probes), "mixed": nil}
	slices.Reverse(orders["desc"])
	for i := range probes {
		// A fixed interleaving of forward and backward jumps, repeats included.
		orders["mixed"] = append(orders["mixed"], probes[(i*7)%len(probes)], probes[(i*7)%len(probes)])
	}
	bounds := []IterOptions{
		{},
		{Lower: b("ab"), Upper: b("bb")},
		{Lower: b("b"), Upper: b("b\x00\x01")},
	}
	readers := map[string]Reader{"engine": p, "snapshot": snap}
	for rname, r := range readers {
		for _, o := range bounds {
			for oname, keys := range orders {
				it := mustIter(t, r, o)
				for _, k := range keys {
					inBounds := string(k) >= string(o.Lower) && (o.Upper == nil || string(k) < string(o.Upper))
					want, err := r.Get(b(k))
					found := err == nil && inBounds
					if err != nil && !errors.Is(err, ErrNotFound) {
						t.Fatal(err)
					}
					got := it.SeekGE(b(k)) && string(it.Key()) == k
					if got != found || (found && string(it.Value()) != string(want)) {
						t.Fatalf("%s %+v %s: SeekGE(%q) = %v (%q=%q), want %v (%q)",
							rname, o, oname, k, got, it.Key(), it.Value(), found, want)
					}
					if err := it.Err(); err != nil {
						t.Fatalf("%s: SeekGE(%q): Err = %v", rname, k, err)
					}
				}
				if err := it.Close(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestPebbleStaleIterators: a flush makes the iterators made before it,
// on the DB or a snapshot, stale (Staler) and bumps the version; they
// still read what they read before, and new ones are fresh.
func TestPebbleStaleIterators(t *testing.T) {
	p := openPebble(t, "db", &PebbleOptions{FS: vfs.NewMem()})
	mustApply(t, p, false, sets("a", "1")...)
	snap, err := p.NewSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	v0 := p.Version()
	dbIt, err := p.NewIter(IterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer dbIt.Close()
	snapIt, err := snap.NewIter(IterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer snapIt.Close()
	for _, it := range []Iterator{dbIt, snapIt} {
		if it.(Staler).Stale() {
			t.Fatal("a new iterator is stale")
		}
	}
	mustApply(t, p, false, sets("b", "2")...)
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	if p.Version() <= v0 {
		t.Fatalf("Version after a flush = %d, want more than %d", p.Version(), v0)
	}
	for name, it := range map[string]Iterator{"db": dbIt, "snapshot": snapIt} {
		if !it.(Staler).Stale() {
			t.Fatalf("%s iterator made before the flush is not stale", name)
		}
		var keys []string
		for it.Next() {
			keys = append(keys, string(it.Key()))
		}
		if err := it.Err(); err != nil || len(keys) != 1 || keys[0] != "a" {
			t.Fatalf("%s iterator read %q (%v), want its own view [a]", name, keys, err)
		}
	}
	fresh, err := p.NewIter(IterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if fresh.(Staler).Stale() {
		t.Fatal("an iterator made after the flush is stale")
	}
}

// TestPebbleBatchSize: the Pebble batch Apply builds (pebbleBatch), sized
// by pebbleBatchSize, takes every operation without growing (a regrowth copies the whole batch: a bulk
// load's, tens of megabytes).
func TestPebbleBatchSize(t *testing.T) {
	p := openPebble(t, "db", &PebbleOptions{FS: vfs.NewMem()})
	for _, n := range []int{1, 2, 100, 5000} {
		var b Batch
		for i := range n {
			k := []byte(fmt.Sprintf("key-%06d", i))
			if i%7 == 3 {
				b.Delete(k)
			} else {
				b.Set(k, bytes.Repeat([]byte{'v'}, i%300))
			}
		}
		size := pebbleBatchSize(b.Ops)
		pb, err := p.pebbleBatch(b.Ops, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Pebble starts a batch at 1 KiB at least.
		if got := cap(pb.Repr()); got > max(size, 1024) {
			t.Errorf("%d operations: batch capacity %d, sized %d (it grew)", n, got, size)
		}
		if got := len(pb.Repr()); got > size {
			t.Errorf("%d operations: batch of %d bytes, sized %d", n, got, size)
		}
		pb.Close()
	}
}

// TestPebbleKeepFormat: a writable open upgrades an older store to the
// newest Pebble format unless KeepFormat, which leaves it as it is; a new
// store is created at the newest either way. MustExist refuses to create
// one.
func TestPebbleKeepFormat(t *testing.T) {
	fs := vfs.NewMem()
	formatOf := func(dir string) pebble.FormatMajorVersion {
		t.Helper()
		desc, err := pebble.Peek(dir, fs)
		if err != nil || !desc.Exists {
			t.Fatalf("peek %s: %+v, %v", dir, desc, err)
		}
		return desc.FormatMajorVersion
	}
	open := func(dir string, o PebbleOptions) {
		t.Helper()
		o.FS = fs
		p, err := OpenPebble(dir, &o)
		if err != nil {
			t.Fatalf("open %s %+v: %v", dir, o, err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// An older store, made with Pebble directly.
	old := pebble.FormatMinSupported
	db, err := pebble.Open("old", &pebble.Options{FS: fs, FormatMajorVersion: old, Logger: pebbleLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	open("old", PebbleOptions{KeepFormat: true, MustExist: true})
	if got := formatOf("old"); got != old {
		t.Fatalf("KeepFormat: format %v, want %v", got, old)
	}
	open("old", PebbleOptions{})
	if got := formatOf("old"); got != pebble.FormatNewest {
		t.Fatalf("writable open: format %v, want %v", got, pebble.FormatNewest)
	}
	open("new", PebbleOptions{KeepFormat: true})
	if got := formatOf("new"); got != pebble.FormatNewest {
		t.Fatalf("new store with KeepFormat: format %v, want %v", got, pebble.FormatNewest)
	}
	if p, err := OpenPebble("none", &PebbleOptions{FS: fs, MustExist: true}); !errors.Is(err, ErrNoStore) {
		if err == nil {
			p.Close()
		}
		t.Fatalf("MustExist without a store: %v, want ErrNoStore", err)
	}
	if _, err := fs.Stat("none"); err == nil {
		t.Fatal("MustExist made the directory")
	}
}
