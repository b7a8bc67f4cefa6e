package engine

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// DefaultRecordCacheEntries is the default capacity of the decoded-record
// cache.
const DefaultRecordCacheEntries = 1 << 19

const cacheShards = 64

// recordCache keeps decoded records keyed by their storage key, together
// with the stored bytes they were decoded from (only records of
// minCachedRecordBytes or more: see decodeCached). A lookup hits only when
// the bytes just read equal the cached ones, so the cache can never serve a
// version other than the one the reader's snapshot holds: it only saves the
// decode, which dominates the cost of reading a large record.
//
// Cached maps are shared by every reader and must never be modified; the
// engine copies a record before changing it or handing it out.
type recordCache struct {
	seed     maphash.Seed
	perShard int
	shards   [cacheShards]cacheShard
}

type cacheShard struct {
	mu sync.Mutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	raw []byte
	rec map[string]any
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

// get returns the decoded form of raw stored under key, if cached.
func (c *recordCache) get(key, raw []byte) (map[string]any, bool) {
	if c == nil {
		return nil, false
	}
	s := c.shard(key)
	s.mu.Lock()
	e, ok := s.m[string(key)]
	s.mu.Unlock()
	if !ok || !bytes.Equal(e.raw, raw) {
		return nil, false
	}
	return e.rec, true
}

// put caches rec as the decoded form of raw (which the cache keeps: the
// caller must not modify it). When the shard is full an arbitrary entry
// is evicted.
func (c *recordCache) put(key, raw []byte, rec map[string]any) {
	if c == nil {
		return
	}
	s := c.shard(key)
	s.mu.Lock()
	if len(s.m) >= c.perShard {
		for k := range s.m {
			delete(s.m, k)
			break
		}
	}
	s.m[string(key)] = cacheEntry{raw: raw, rec: rec}
	s.mu.Unlock()
}

// minCachedRecordBytes is the size from which a stored record goes through
// the cache. A smaller one is decoded on every read: with the hand-rolled
// decoder that is no slower than a hit, whose lookup and cached map are
// cold memory in a large cache, and it keeps the heap small
// (BenchmarkRecordRead: a 76-byte order reads as fast decoded, a 500-byte
// 30-field record breaks even, a 700-byte nested one reads 3x faster from
// the cache).
const minCachedRecordBytes = 512

// decodeCached decodes the record stored under key, through the cache for
// a record of minCachedRecordBytes or more. raw is only read: it is copied
// when the cache keeps it. The result may be shared with other readers: it
// must not be modified.
func (db *DB) decodeCached(key, raw []byte) (map[string]any, error) {
	if len(raw) < minCachedRecordBytes {
		return decodeRecord(raw)
	}
	if rec, ok := db.cache.get(key, raw); ok {
		return rec, nil
	}
	rec, err := decodeRecord(raw)
	if err != nil {
		return nil, err
	}
	db.cache.put(key, bytes.Clone(raw), rec)
	return rec, nil
}
