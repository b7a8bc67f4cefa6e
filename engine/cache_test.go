package engine

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// TestRecordCache: the cache's rules on their own. An entry answers
// readers of its state and newer ones only; a read adds a record only at
// the state the cache is open at, and never over an entry; a commit closes
// the cache, removes the records its batch writes (all of them, for a
// large batch) and leaves other keys alone; a full shard evicts.
func TestRecordCache(t *testing.T) {
	c := newRecordCache(64, -1)
	key := func(i int) []byte { return binary.BigEndian.AppendUint64([]byte{tagRecord, 1}, uint64(i)) }
	rec := func(v string) map[string]any { return map[string]any{"v": v} }
	hit := func(k []byte, seq uint64) string {
		t.Helper()
		r, ok := c.get(k, seq)
		if !ok {
			return "miss"
		}
		return r["v"].(string)
	}
	c.reopen(5)
	c.add(key(1), rec("a"), 10, 4) // a reader of an older state
	if got := hit(key(1), 5); got != "miss" {
		t.Fatalf("an addition from an older state was kept: %s", got)
	}
	c.add(key(1), rec("a"), 10, 5)
	c.add(key(1), rec("other"), 10, 5) // never over an entry
	for seq, want := range map[uint64]string{4: "miss", 5: "a", 9: "a"} {
		if got := hit(key(1), seq); got != want {
			t.Errorf("get at %d = %s, want %s", seq, got, want)
		}
	}
	c.add(key(2), rec("b"), 10, 5)
	c.add(key(3), rec("c"), 10, 5)
	b := &storage.Batch{}
	b.Set(key(1), []byte("new"))
	b.Delete(key(2))
	b.Set(append([]byte{tagIndex}, key(3)[1:]...), nil) // not a record key
	c.beginCommit(b)
	c.add(key(1), rec("stale"), 10, 5) // a reader of state 5 during the commit
	if got := hit(key(1), 5); got != "miss" {
		t.Errorf("an addition during the commit was kept: %s", got)
	}
	if got := hit(key(2), 5); got != "miss" {
		t.Errorf("a deleted record is still cached: %s", got)
	}
	if got := hit(key(3), 5); got != "c" {
		t.Errorf("a record the commit did not write was removed: %s", got)
	}
	c.reopen(6)
	c.add(key(1), rec("new"), 10, 5) // the older state's reader, after publish
	if got := hit(key(1), 6); got != "miss" {
		t.Errorf("an addition from the replaced state was kept: %s", got)
	}
	c.add(key(1), rec("new"), 10, 6)
	if got := hit(key(1), 6); got != "new" {
		t.Errorf("get = %s, want new", got)
	}
	big := &storage.Batch{}
	for i := range maxInvalidateOps {
		big.Set(key(1000+i), nil)
	}
	c.beginCommit(big)
	if n := c.len(); n != 0 {
		t.Errorf("a large commit left %d entries", n)
	}
	c.reopen(7)
	for i := range 1000 {
		c.add(key(i), rec("x"), 10, 7)
	}
	if n, limit := c.len(), cacheShards*c.perShard; n > limit || n < 64 {
		t.Errorf("%d entries after 1000 additions to a cache of %d", n, limit)
	}

	// A commit's own writes, as of the state it published: the last write
	// to a key wins, a deletion removes the key, and nothing is cached
	// once the cache has moved on (another commit began).
	c.reopen(8)
	c.add(key(2), rec("old"), 10, 8)
	write := func(i int, r map[string]any) cacheWrite {
		return cacheWrite{key: string(key(i)), hash: c.hash(key(i)), rec: r}
	}
	list := func(ws ...cacheWrite) *cacheWrites {
		var l cacheWrites
		for _, w := range ws {
			l.add(w)
		}
		return &l
	}
	c.fill(list(
		write(1, rec("first")),
		write(2, nil),
		write(1, rec("last")),
		write(5, rec("e")),
	), 8)
	for k, want := range map[int]string{1: "last", 2: "miss", 5: "e"} {
		if got := hit(key(k), 8); got != want {
			t.Errorf("after fill, get %d = %s, want %s", k, got, want)
		}
	}
	if got := hit(key(5), 7); got != "miss" {
		t.Errorf("a filled record answers an older state: %s", got)
	}
	c.beginCommit(&storage.Batch{})
	c.fill(list(write(6, rec("late"))), 8)
	c.reopen(9)
	c.fill(list(write(6, rec("late"))), 8)
	if got := hit(key(6), 9); got != "miss" {
		t.Errorf("a fill for a replaced state was kept: %s", got)
	}
	// Of more writes than the cache holds, the last ones are kept.
	small := newRecordCache(cacheShards, -1)
	small.reopen(1)
	var many cacheWrites
	const nMany = 1000
	for i := range nMany {
		many.add(cacheWrite{key: string(key(i)), hash: small.hash(key(i)), rec: rec(fmt.Sprint(i))})
	}
	small.fill(&many, 1)
	limit := cacheShards * small.perShard
	if n := small.len(); n > limit || n < limit/2 {
		t.Errorf("%d entries after a fill of a cache of %d", n, limit)
	}
	if _, ok := small.get(key(0), 1); ok {
		t.Error("the first write of a fill larger than the cache is cached")
	}
	if r, ok := small.get(key(nMany-1), 1); !ok || r["v"] != fmt.Sprint(nMany-1) {
		t.Errorf("the last write is not cached: %v %v", r, ok)
	}
	if _, ok := small.get(key(0), 1); ok {
		t.Error("the first write of a fill larger than the cache is cached")
	}

	// A transaction of more writes than a commit caches caches none.
	var bulk cacheWrites
	for i := range maxCachedWrites + 1 {
		bulk.add(write(20000+i, rec("bulk")))
	}
	if !bulk.over || bulk.list != nil {
		t.Fatalf("%d writes kept past the bound", len(bulk.list))
	}
	c.clear()
	c.fill(&bulk, 9)
	if n := c.len(); n != 0 {
		t.Errorf("a bulk fill cached %d records", n)
	}

	var nilCache *recordCache
	nilCache.fill(list(cacheWrite{key: "k", rec: rec("a")}), 1)
	nilCache.add(key(1), rec("a"), 10, 1)
	nilCache.beginCommit(b)
	nilCache.reopen(1)
	if _, ok := nilCache.get(key(1), 1); ok {
		t.Error("a nil cache hit")
	}
}

// TestRecordCacheReads, on both backends (a memory store has no record
// cache: its records are decoded already): a record read twice in read
// transactions of one state is one map; a transaction on an older state
// keeps reading its versions after commits change, delete and add records,
// while one on the new state reads theirs; a write transaction reads
// storage; Check reads past the cache; and a store opened with the cache
// disabled answers the same.
func TestRecordCacheReads(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		for _, entries := range []int{0, -1} {
			db, err := Open(open(t), &Options{NoSync: true, RecordCacheEntries: entries})
			require.NoError(t, err)
			require.NoError(t, db.Define(loadSet(t, `{"name": "Item", "base": "PersistedModel", "forceId": false, "properties": {"n": "number"}}`)))
			for i := 1; i <= 20; i++ {
				_, err := db.Create(ctx, "Item", map[string]any{"n": float64(i)})
				require.NoError(t, err)
			}
			cached := db.cache != nil
			require.Equal(t, cached, !db.memRecords && entries == 0)
			read := func(tx *Tx, id float64) map[string]any {
				t.Helper()
				ms := tx.st.models["Item"]
				_, pk, _ := ms.pkFromID(id)
				rec, err := tx.getRecord(ms, pk)
				require.NoError(t, err)
				return rec
			}
			same := func(a, b map[string]any) bool {
				return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
			}
			var first map[string]any
			require.NoError(t, db.View(ctx, func(tx *Tx) error {
				first = read(tx, 3)
				return nil
			}))
			require.NoError(t, db.View(ctx, func(tx *Tx) error {
				require.Equal(t, cached || db.memRecords, same(first, read(tx, 3)), "second read of a record")
				hits := 0
				if cached {
					hits = 1
				}
				require.Equal(t, hits, tx.Stats().CacheHits)
				// A scan finds the cached map too.
				recs, err := tx.Find("Item", map[string]any{"where": map[string]any{"n": 3.0}})
				require.NoError(t, err)
				require.Len(t, recs, 1)
				return nil
			}))

			old, err := db.begin(ctx, false, false)
			require.NoError(t, err)
			for i := 1.0; i <= 20; i++ {
				read(old, i)
			}
			_, err = db.PatchByID(ctx, "Item", 3.0, map[string]any{"n": 300.0})
			require.NoError(t, err)
			_, err = db.DeleteByID(ctx, "Item", 4.0)
			require.NoError(t, err)
			_, err = db.Create(ctx, "Item", map[string]any{"id": 21.0, "n": 21.0})
			require.NoError(t, err)
			if cached {
				// The commits cached what they wrote.
				ms := db.cur.models["Item"]
				for id, want := range map[float64]any{3: 300.0, 4: nil, 21: 21.0} {
					_, pk, _ := ms.pkFromID(id)
					rec, ok := db.cache.get(recordKey(ms.prefix, pk), db.cur.seq)
					require.Equal(t, want != nil, ok, "record %v cached", id)
					if ok {
						require.Equal(t, want, rec["n"])
					}
				}
			}
			fresh, err := db.begin(ctx, false, false)
			require.NoError(t, err)
			for round := range 2 { // the second round from the cache
				require.Equal(t, 300.0, read(fresh, 3)["n"], "round %d", round)
				require.Nil(t, read(fresh, 4), "round %d", round)
				require.Equal(t, 21.0, read(fresh, 21)["n"], "round %d", round)
				require.Equal(t, 5.0, read(fresh, 5)["n"], "round %d", round)
				require.Equal(t, 3.0, read(old, 3)["n"], "round %d", round)
				require.Equal(t, 4.0, read(old, 4)["n"], "round %d", round)
				require.Nil(t, read(old, 21), "round %d", round)
			}
			old.Rollback()
			fresh.Rollback()
			require.NoError(t, db.Update(ctx, func(tx *Tx) error {
				require.Equal(t, 300.0, read(tx, 3)["n"])
				_, err := tx.PatchByID("Item", 5.0, map[string]any{"n": 500.0})
				require.NoError(t, err)
				require.Equal(t, 500.0, read(tx, 5)["n"], "a write transaction reads its own write")
				return nil
			}))
			require.NoError(t, db.View(ctx, func(tx *Tx) error {
				require.Equal(t, 500.0, read(tx, 5)["n"])
				return nil
			}))
			mustCheck(t, db)
			if cached {
				// Check finds a cached record that is not the stored one.
				ms := db.cur.models["Item"]
				_, pk, _ := ms.pkFromID(5.0)
				key := recordKey(ms.prefix, pk)
				h := db.cache.hash(key)
				sh := db.cache.shard(h)
				sh.mu.Lock()
				e, ok := sh.m[h]
				require.True(t, ok && e.key == string(key), "record 5 is cached")
				e.rec = map[string]any{"id": 5.0, "n": 5.0}
				sh.m[h] = e
				sh.mu.Unlock()
				rep, err := db.Check(ctx)
				require.NoError(t, err)
				require.Len(t, rep.Faults, 1, rep.String())
				require.Equal(t, FaultCacheMismatch, rep.Faults[0].Kind)
				require.Equal(t, "Item", rep.Faults[0].Model)

				// A bulk commit empties the cache and caches none of its
				// records.
				require.NoError(t, db.Update(ctx, func(tx *Tx) error {
					for i := range maxCachedWrites + 1 {
						if _, err := tx.Create("Item", map[string]any{"id": float64(1000 + i), "n": 1.0}); err != nil {
							return err
						}
					}
					return nil
				}))
				require.Zero(t, db.cache.len(), "records cached after a bulk commit")
			}
			require.NoError(t, db.Close())
		}
	})
}

// TestRecordCacheConcurrent: readers of the record cache never see a
// state that never existed. Each commit sets the same new value on a pair
// of records, or deletes or recreates both; readers, each in its own read
// transaction, read the pair by key (through the cache) and by a scan, and
// require the two to agree. Run under -race in CI.
func TestRecordCacheConcurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Item", "base": "PersistedModel", "forceId": false, "properties": {"v": "number"}}`)
		const pairs = 8
		for i := range 2 * pairs {
			_, err := db.Create(ctx, "Item", map[string]any{"id": float64(i), "v": 0.0})
			require.NoError(t, err)
		}
		seed := time.Now().UnixNano()
		t.Logf("seed %d", seed)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		errs := make(chan error, 4)
		for r := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(seed), uint64(r)))
				for {
					select {
					case <-stop:
						return
					default:
					}
					p := float64(2 * rng.IntN(pairs))
					err := db.View(ctx, func(tx *Tx) error {
						ms := tx.st.models["Item"]
						var vals [2]any
						for j := range 2 {
							_, pk, _ := ms.pkFromID(p + float64(j))
							rec, err := tx.getRecord(ms, pk)
							if err != nil {
								return err
							}
							if rec != nil {
								vals[j] = rec["v"]
							}
						}
						if vals[0] != vals[1] {
							return fmt.Errorf("pair %v read as %v", p, vals)
						}
						recs, err := tx.Find("Item", map[string]any{"where": map[string]any{"id": map[string]any{"inq": []any{p, p + 1}}}})
						if err != nil {
							return err
						}
						for _, rec := range recs {
							if rec["v"] != vals[0] {
								return fmt.Errorf("pair %v: scan read %v, key reads %v", p, rec, vals)
							}
						}
						if (vals[0] == nil) != (len(recs) == 0) {
							return fmt.Errorf("pair %v: scan read %d records, key reads %v", p, len(recs), vals)
						}
						return nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		rng := rand.New(rand.NewPCG(uint64(seed), 99))
		for n := range 600 {
			p := float64(2 * rng.IntN(pairs))
			del := rng.IntN(4) == 0
			err := db.Update(ctx, func(tx *Tx) error {
				for _, id := range []float64{p, p + 1} { // both records of the pair alike
					var err error
					if del {
						_, err = tx.DeleteByID("Item", id)
					} else {
						_, err = tx.Upsert("Item", map[string]any{"id": id, "v": float64(n)})
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
			require.NoError(t, err)
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		mustCheck(t, db)
	})
}

// cacheBenchRecords are records of three shapes: the workload's order, a
// wide flat record, and a wide one with nested objects and arrays.
func cacheBenchRecord(shape string, id int) map[string]any {
	rec := map[string]any{"id": float64(id)}
	switch shape {
	case "order":
		rec["customerId"] = float64(id % 1000)
		rec["total"] = float64(id%10000) / 100
		rec["status"] = []string{"pending", "paid", "shipped"}[id%3]
		rec["createdAt"] = time.UnixMilli(1.7e12 + int64(id)).UTC()
	case "wide", "nested":
		for i := range 30 {
			switch i % 3 {
			case 0:
				rec[fmt.Sprintf("num%02d", i)] = float64(id*i) / 7
			case 1:
				rec[fmt.Sprintf("str%02d", i)] = fmt.Sprintf("value %d of %d", i, id)
			default:
				rec[fmt.Sprintf("flag%02d", i)] = id%(i+1) == 0
			}
		}
		if shape == "nested" {
			for i := range 5 {
				rec[fmt.Sprintf("obj%d", i)] = map[string]any{"a": float64(i), "b": "x", "c": []any{1.0, "two", map[string]any{"d": true}}}
			}
		}
	}
	return rec
}

// BenchmarkRecordRead compares a record read from the record cache (a
// hit) with a decode of its stored bytes (what a Pebble read does after
// its seek), each followed by the shallow copy the engine makes of what it
// reads, over 200,000 distinct records read at random (as a large store
// is: the cache's memory is cold).
func BenchmarkRecordRead(b *testing.B) {
	const n = 200_000
	for _, shape := range []string{"order", "wide", "nested"} {
		keys := make([][]byte, n)
		raws := make([][]byte, n)
		for i := range n {
			keys[i] = binary.BigEndian.AppendUint64([]byte{tagRecord, 1}, uint64(i))
			var err error
			if raws[i], err = encodeRecord(cacheBenchRecord(shape, i)); err != nil {
				b.Fatal(err)
			}
		}
		c := newRecordCache(DefaultRecordCacheEntries, DefaultRecordCacheBytes)
		c.reopen(1)
		for i := range n {
			rec, err := decodeRecord(raws[i])
			if err != nil {
				b.Fatal(err)
			}
			c.add(keys[i], rec, len(raws[i]), 1)
		}
		size := len(raws[n/2])
		b.Run(fmt.Sprintf("%s-%dB/cache", shape, size), func(b *testing.B) {
			b.ReportAllocs()
			r := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				rec, ok := c.get(keys[r.IntN(n)], 1)
				if !ok {
					b.Fatal("miss")
				}
				_ = maps.Clone(rec)
			}
		})
		b.Run(fmt.Sprintf("%s-%dB/decode", shape, size), func(b *testing.B) {
			b.ReportAllocs()
			r := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				rec, err := decodeRecord(raws[r.IntN(n)])
				if err != nil {
					b.Fatal(err)
				}
				_ = maps.Clone(rec)
			}
		})
	}
}

// BenchmarkReadAfterWrite: on a Pebble store, a record is changed and then
// read by key, each in its own transaction — a PATCH followed by a GET.
// The commit leaves the record it wrote in the record cache, so the read
// neither seeks nor decodes.
func BenchmarkReadAfterWrite(b *testing.B) {
	st, err := storage.OpenPebble(b.TempDir(), &storage.PebbleOptions{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	db, err := Open(st, &Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Define(loadSet(b, `{"name": "Order", "properties": {"id": {"type": "number", "id": true}, "status": "string", "total": "number", "customerId": "number"}}`)); err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	if err := db.Update(ctx, func(tx *Tx) error {
		for i := range n {
			if _, err := tx.Create("Order", map[string]any{"id": float64(i), "status": "paid", "total": 1.5, "customerId": float64(i % 100)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	statuses := []string{"pending", "paid", "shipped"}
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		id := float64(r.IntN(n))
		status := statuses[r.IntN(len(statuses))]
		if _, err := db.PatchByID(ctx, "Order", id, map[string]any{"status": status}); err != nil {
			b.Fatal(err)
		}
		rec, err := db.FindByID(ctx, "Order", id, nil)
		if err != nil || rec["status"] != status {
			b.Fatalf("read %v (%v) after setting %s", rec, err, status)
		}
	}
}

// TestRecordCacheBytes: the cache holds records up to its byte bound as it
// charges them (recordCharge), by evicting arbitrary entries; a record
// charged more than a shard may hold is not cached; every way out of the
// cache (a commit's removals, a fill's deletions, replacement, clear) keeps
// each shard's charge total exact.
func TestRecordCacheBytes(t *testing.T) {
	const perShard = 1000
	c := newRecordCache(1<<20, cacheShards*perShard)
	key := func(i int) []byte { return binary.BigEndian.AppendUint64([]byte{tagRecord, 1}, uint64(i)) }
	rec := map[string]any{"id": 1.0, "v": "x"}
	charge := recordCharge(100, rec) // 228: four fit in a shard
	exact := func() {
		t.Helper()
		total := 0
		for i := range c.shards {
			s := &c.shards[i]
			var sum int64
			for _, e := range s.m {
				sum += e.charge
			}
			if sum != s.bytes {
				t.Fatalf("shard %d: entries charged %d, accounted %d", i, sum, s.bytes)
			}
			if s.bytes > perShard {
				t.Fatalf("shard %d holds %d bytes, bound %d", i, s.bytes, perShard)
			}
			total += len(s.m)
		}
		if total == 0 {
			t.Fatal("nothing cached")
		}
	}
	c.reopen(1)
	for i := range 10_000 {
		c.add(key(i), rec, 100, 1)
	}
	exact()
	if n, most := c.len(), cacheShards*int(perShard/charge); n > most {
		t.Errorf("%d entries of %d bytes in %d-byte shards", n, charge, perShard)
	}
	c.add(key(20_000), map[string]any{"big": true}, 2*perShard, 1)
	if _, ok := c.get(key(20_000), 1); ok {
		t.Error("a record charged more than a shard holds was cached")
	}
	exact()

	// Removals by a commit, deletions and replacements by a fill.
	var b storage.Batch
	var writes cacheWrites
	for i := range 2_000 {
		b.Set(key(i), nil)
		if i%2 == 0 {
			writes.add(cacheWrite{key: string(key(i)), hash: c.hash(key(i)), rec: rec, encoded: 50 + i%200})
		} else {
			writes.add(cacheWrite{key: string(key(i)), hash: c.hash(key(i))})
		}
	}
	c.beginCommit(&b)
	c.reopen(2)
	c.fill(&writes, 2)
	exact()
	c.fill(&writes, 2) // the same keys again: replaced in place
	exact()
	c.clear()
	for i := range c.shards {
		if c.shards[i].bytes != 0 {
			t.Fatalf("shard %d accounts %d bytes after clear", i, c.shards[i].bytes)
		}
	}

	// Unbounded by bytes, only the entry bound holds.
	u := newRecordCache(cacheShards, -1)
	u.reopen(1)
	u.add(key(1), rec, 1<<30, 1)
	if _, ok := u.get(key(1), 1); !ok {
		t.Error("a cache without a byte bound refused a large record")
	}
}

// TestRecordCacheBytesOption: Options.RecordCacheBytes bounds what a
// Pebble store's cache holds; reads beyond it are answered from storage.
func TestRecordCacheBytesOption(t *testing.T) {
	st, err := storage.OpenPebble("", &storage.PebbleOptions{FS: vfs.NewMem()})
	require.NoError(t, err)
	const bound = cacheShards * 1000
	db, err := Open(st, &Options{NoSync: true, RecordCacheBytes: bound})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Define(loadSet(t, `{"name": "Item", "properties": {"id": {"type": "number", "id": true}, "text": "string"}}`)))
	long := strings.Repeat("x", 300)
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		for i := range maxCachedWrites + 1 { // a bulk commit: nothing cached
			if _, err := tx.Create("Item", map[string]any{"id": float64(i), "text": long}); err != nil {
				return err
			}
		}
		return nil
	}))
	for round := range 2 {
		for i := range 500 {
			rec, err := db.FindByID(ctx, "Item", float64(i), nil)
			require.NoError(t, err)
			require.Equal(t, long, rec["text"], "round %d, item %d", round, i)
		}
	}
	var held int64
	for i := range db.cache.shards {
		held += db.cache.shards[i].bytes
	}
	require.LessOrEqual(t, held, int64(bound))
	require.Less(t, db.cache.len(), 500, "the byte bound evicted")
	require.Positive(t, db.cache.len())
}
