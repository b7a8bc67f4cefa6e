package engine

import (
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"

	"github.com/relstore/relstore/storage"
)

// DefaultRecordCacheEntries is the default capacity of the decoded-record
// cache.
const DefaultRecordCacheEntries = 1 << 19

// DefaultRecordCacheBytes is the default memory bound of the
// decoded-record cache, as entries are charged for it (recordCharge).
const DefaultRecordCacheBytes = 512 << 20

const cacheShards = 64

// minCachedRecordBytes is the size from which a scan, which has a
// record's stored bytes in hand already, takes the record from the cache
// instead of decoding them. A smaller record decodes no slower than a hit
// finds it, the cached map being cold memory in a large cache
// (BenchmarkRecordRead: a 76-byte order decodes faster than it is found, a
// 500-byte 30-field record or a 700-byte nested one is found 2-3x faster).
// Reads by key always go through the cache: a hit saves the storage seek
// too, which costs more than the decode.
const minCachedRecordBytes = 512

// maxInvalidateOps is the size from which a commit empties the record
// cache instead of removing the records it writes one by one (a bulk load
// writes mostly records nobody has read).
const maxInvalidateOps = 4096

// recordCache keeps the decoded records of a Pebble store by storage key,
// so that a read transaction finds a record it reads by key without a
// storage read or a decode (on Pebble a seek costs more than the decode).
//
// An entry holds a record together with the sequence number (state.seq) of
// a state known to hold it: it answers a reader whose state is that one or
// newer. That is exact because every commit that writes a record removes
// its entry before the state it publishes can be read, and entries are
// only added as of the state the cache is open at:
//
//   - A commit, under db.stateMu's write lock, first closes the cache to
//     fills (open = 0), then removes the entries of the records its batch
//     writes (or all of them, for a large batch), applies the batch, and
//     publishes the next state; publish reopens the cache at the new
//     state's seq. Readers of older states meanwhile keep hitting entries
//     that hold their versions, or read their snapshots.
//   - A read transaction adds a record it read from storage only when its
//     state is the one the cache is open at, checked under the shard's
//     lock, which the commit's removals take too: an addition is either
//     before the removal (and removed) or sees the cache closed or at a
//     newer state (and is dropped).
//   - A commit of up to maxCachedWrites records then adds the records it
//     wrote, as of the state it published, under the same check (fill):
//     a later commit that has begun meanwhile drops them.
//
// Entries are bounded in number and in estimated memory (recordCharge);
// a full shard evicts arbitrary entries.
//
// Write transactions read through their own writes and never use the
// cache; Check reads a fresh storage snapshot past it. Cached maps are
// shared by every reader and never modified; the engine copies a record
// before changing it or handing it out (output), as it does on memory
// stores. All methods are safe for concurrent use and on a nil cache.
type recordCache struct {
	seed     maphash.Seed
	perShard int
	// perShardBytes bounds the charges (recordCharge) of a shard's
	// entries; a record charged more is not cached.
	perShardBytes int64
	// open is the seq of the state reads may add records from: the current
	// state's, or 0 while a commit changes the cache and storage.
	open   atomic.Uint64
	shards [cacheShards]cacheShard
}

// cacheShard holds entries by the 64-bit hash of their storage key (the
// low bits pick the shard): a commit's writes are cached without reading
// their keys again (fill), and a lookup compares the entry's key with its
// own. Two keys of one hash share a slot, each evicting the other.
type cacheShard struct {
	mu    sync.Mutex
	m     map[uint64]cacheEntry
	bytes int64 // the entries' charges
}

type cacheEntry struct {
	key    string // the record's storage key
	rec    map[string]any
	from   uint64 // the seq of a state holding rec (every later one does, until a commit removes it)
	charge int64  // recordCharge of the record
}

// recordCharge estimates the memory a cached record holds: its encoded
// size (strings and nested values take about as much decoded), plus its
// map's header and, per top-level property, a slot and a boxed value. An
// order of 76 encoded bytes is charged 324 and holds about 360.
func recordCharge(encoded int, rec map[string]any) int64 {
	return int64(encoded) + 48 + 40*int64(len(rec))
}

// newRecordCache returns a cache of up to entries records charged up to
// maxBytes in all (no byte bound when maxBytes < 0), or nil when entries
// is not positive.
func newRecordCache(entries int, maxBytes int64) *recordCache {
	if entries <= 0 {
		return nil
	}
	c := &recordCache{seed: maphash.MakeSeed(), perShard: entries/cacheShards + 1, perShardBytes: math.MaxInt64}
	if maxBytes >= 0 {
		c.perShardBytes = maxBytes / cacheShards
	}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]cacheEntry)
	}
	return c
}

// hash returns the hash entries are held by.
func (c *recordCache) hash(key []byte) uint64 { return maphash.Bytes(c.seed, key) }

func (c *recordCache) shard(h uint64) *cacheShard { return &c.shards[h%cacheShards] }

// get returns the record stored under key in the state with sequence
// number seq, if cached.
func (c *recordCache) get(key []byte, seq uint64) (map[string]any, bool) {
	if c == nil {
		return nil, false
	}
	h := c.hash(key)
	s := c.shard(h)
	s.mu.Lock()
	e, ok := s.m[h]
	s.mu.Unlock()
	if !ok || e.from > seq || e.key != string(key) {
		return nil, false
	}
	return e.rec, true
}

// add caches rec, decoded from encoded bytes read from the snapshot of
// the state with sequence number seq, as the record under key, unless the
// cache is not open at seq (a commit is under way or has published a newer
// state) or holds the key already. When the shard is full, by entries or
// by charges, arbitrary entries are evicted.
func (c *recordCache) add(key []byte, rec map[string]any, encoded int, seq uint64) {
	if c == nil {
		return
	}
	h := c.hash(key)
	s := c.shard(h)
	s.mu.Lock()
	if c.open.Load() == seq {
		if e, ok := s.m[h]; !ok || e.key != string(key) {
			c.set(s, h, cacheEntry{key: string(key), rec: rec, from: seq, charge: recordCharge(encoded, rec)})
		}
	}
	s.mu.Unlock()
}

// cacheWrite is a record a write transaction wrote (nil: deleted), under
// its storage key and the key's hash (recordCache.hash), taken while the
// key was at hand, with its encoded size.
type cacheWrite struct {
	key     string
	hash    uint64
	rec     map[string]any
	encoded int
}

// cacheWrites lists a transaction's writes for the record cache, in
// order, up to maxCachedWrites: a larger transaction (a bulk load) caches
// none, rather than flood the cache with records no one may read — and
// keep them all decoded in memory until it commits — and its commit
// empties the cache (beginCommit).
type cacheWrites struct {
	list []cacheWrite
	over bool // more than maxCachedWrites: list was dropped
}

// maxCachedWrites is the most records a commit caches (fill); it is
// maxInvalidateOps, from which a commit empties the cache anyway.
const maxCachedWrites = maxInvalidateOps

func (l *cacheWrites) add(w cacheWrite) {
	if l.over {
		return
	}
	if len(l.list) == maxCachedWrites {
		l.list, l.over = nil, true
		return
	}
	l.list = append(l.list, w)
}

// fill caches the records a commit wrote, as of the state with sequence
// number seq that it published (later writes to a key win, a deletion
// caches nothing): a record just written is likely to be read again soon,
// and without this its commit would have removed it from the cache. As
// with add, nothing is cached unless the cache is still open at seq — a
// later commit that began meanwhile may be removing these keys — and of
// more writes than the cache holds only the last are kept.
func (c *recordCache) fill(writes *cacheWrites, seq uint64) {
	if c == nil || writes.over {
		return
	}
	list := writes.list
	if max := c.perShard * cacheShards; len(list) > max {
		list = list[len(list)-max:]
	}
	for i := range list {
		if !c.put(&list[i], seq) {
			return
		}
	}
}

// put caches one of a commit's writes (fill), reporting false when the
// cache is no longer open at seq.
func (c *recordCache) put(w *cacheWrite, seq uint64) bool {
	s := c.shard(w.hash)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.open.Load() != seq {
		return false
	}
	if w.rec == nil {
		s.remove(w.hash) // another key's entry of the same hash: evicted
		return true
	}
	c.set(s, w.hash, cacheEntry{key: w.key, rec: w.rec, from: seq, charge: recordCharge(w.encoded, w.rec)})
	return true
}

// beginCommit closes the cache to additions and removes the records b
// writes (every record, when b is large). The caller holds db.stateMu's
// write lock and then applies b; publish (or reopen, when the apply
// fails) opens the cache again.
func (c *recordCache) beginCommit(b *storage.Batch) {
	if c == nil {
		return
	}
	c.open.Store(0)
	if b.Len() >= maxInvalidateOps {
		c.clear()
		return
	}
	for _, op := range b.Ops {
		if len(op.Key) == 0 || op.Key[0] != tagRecord {
			continue
		}
		h := c.hash(op.Key)
		s := c.shard(h)
		s.mu.Lock()
		s.remove(h) // another key's entry of the same hash: evicted
		s.mu.Unlock()
	}
}

// set puts e under h in shard s, first evicting arbitrary entries while
// the shard holds its most entries or its entries' charges leave no room
// for e's; a record charged more than a shard may hold is not cached. The
// caller holds s.mu.
func (c *recordCache) set(s *cacheShard, h uint64, e cacheEntry) {
	s.remove(h) // replaced (or another key's entry of the same hash evicted)
	if e.charge > c.perShardBytes {
		return
	}
	for len(s.m) > 0 && (len(s.m) >= c.perShard || s.bytes+e.charge > c.perShardBytes) {
		for k := range s.m {
			s.remove(k)
			break
		}
	}
	s.m[h] = e
	s.bytes += e.charge
}

// remove deletes the entry under h, if any. The caller holds s.mu.
func (s *cacheShard) remove(h uint64) {
	if e, ok := s.m[h]; ok {
		s.bytes -= e.charge
		delete(s.m, h)
	}
}

// clear removes every entry.
func (c *recordCache) clear() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		if len(s.m) > 0 {
			s.m = make(map[uint64]cacheEntry)
			s.bytes = 0
		}
		s.mu.Unlock()
	}
}

// reopen lets reads of the state with sequence number seq add records
// again.
func (c *recordCache) reopen(seq uint64) {
	if c != nil {
		c.open.Store(seq)
	}
}

// len returns the number of entries (for tests).
func (c *recordCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
