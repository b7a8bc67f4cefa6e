package engine

import (
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/relstore/relstore/storage"
)

// DefaultRecordCacheEntries is the default capacity of the decoded-record
// cache.
const DefaultRecordCacheEntries = 1 << 19

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
// only added from the current state's snapshot:
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
//
// Write transactions read through their own writes and never use the
// cache; Check reads a fresh storage snapshot past it. Cached maps are
// shared by every reader and never modified; the engine copies a record
// before changing it or handing it out (output), as it does on memory
// stores. All methods are safe for concurrent use and on a nil cache.
type recordCache struct {
	seed     maphash.Seed
	perShard int
	// open is the seq of the state reads may add records from: the current
	// state's, or 0 while a commit changes the cache and storage.
	open   atomic.Uint64
	shards [cacheShards]cacheShard
}

type cacheShard struct {
	mu sync.Mutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	rec  map[string]any
	from uint64 // the seq of a state holding rec (every later one does, until a commit removes it)
}

func newRecordCache(entries int) *recordCache {
	if entries <= 0 {
		return nil
	}
	c := &recordCache{seed: maphash.MakeSeed(), perShard: entries/cacheShards + 1}
	for i := range c.shards {
		c.shards[i].m = make(map[string]cacheEntry)
	}
	return c
}

func (c *recordCache) shard(key []byte) *cacheShard {
	return &c.shards[maphash.Bytes(c.seed, key)%cacheShards]
}

// get returns the record stored under key in the state with sequence
// number seq, if cached.
func (c *recordCache) get(key []byte, seq uint64) (map[string]any, bool) {
	if c == nil {
		return nil, false
	}
	s := c.shard(key)
	s.mu.Lock()
	e, ok := s.m[string(key)]
	s.mu.Unlock()
	if !ok || e.from > seq {
		return nil, false
	}
	return e.rec, true
}

// add caches rec, read from the snapshot of the state with sequence number
// seq, as the record under key, unless the cache is not open at seq (a
// commit is under way or has published a newer state) or holds the key
// already. When the shard is full an arbitrary entry is evicted.
func (c *recordCache) add(key []byte, rec map[string]any, seq uint64) {
	if c == nil {
		return
	}
	s := c.shard(key)
	s.mu.Lock()
	if c.open.Load() == seq {
		if _, ok := s.m[string(key)]; !ok {
			if len(s.m) >= c.perShard {
				for k := range s.m {
					delete(s.m, k)
					break
				}
			}
			s.m[string(key)] = cacheEntry{rec: rec, from: seq}
		}
	}
	s.mu.Unlock()
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
		s := c.shard(op.Key)
		s.mu.Lock()
		delete(s.m, string(op.Key))
		s.mu.Unlock()
	}
}

// clear removes every entry.
func (c *recordCache) clear() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		if len(s.m) > 0 {
			s.m = make(map[string]cacheEntry)
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
