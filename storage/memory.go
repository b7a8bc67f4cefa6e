package storage

import (
	"sync"
	"sync/atomic"

	"github.com/tidwall/btree"
)

// Memory is an in-memory Engine backed by a copy-on-write B-tree
// (github.com/tidwall/btree). Nothing is persisted: Apply's sync flag and
// SyncWAL are no-ops. All methods are safe for concurrent use.
//
// Snapshots and iterators read an O(1) copy-on-write copy of the tree, so
// they are consistent and unaffected by later Apply calls; the first write
// after a copy pays for cloning the nodes it touches. One read-only copy is
// shared by all snapshots and iterators created between two writes.
//
// Snapshots and iterators keep working after Close (they own their copy),
// but the Engine contract still asks callers to close them first.
type Memory struct {
	mu     sync.RWMutex
	tree   *btree.BTreeG[entry] // the live tree; written under mu.Lock
	frozen *btree.BTreeG[entry] // read-only copy of tree, nil after a write
	closed bool
}

var _ Engine = (*Memory)(nil)

// NewMemory returns an empty in-memory engine.
func NewMemory() *Memory { return &Memory{tree: newTree()} }

// Get implements Reader. It returns a copy of the value, or ErrNotFound, or
// ErrClosed.
func (m *Memory) Get(key []byte) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	e, ok := m.tree.Get(mkEntry(key, nil))
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte{}, e.v...), nil
}

// frozenTree returns a read-only copy of the current tree, creating it if a
// write happened since the last one.
func (m *Memory) frozenTree() (*btree.BTreeG[entry], error) {
	m.mu.RLock()
	f, closed := m.frozen, m.closed
	m.mu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	if f != nil {
		return f, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	if m.frozen == nil {
		m.frozen = m.tree.Copy()
	}
	return m.frozen, nil
}

// NewIter implements Reader. The iterator sees the engine as of this call.
func (m *Memory) NewIter(o IterOptions) (Iterator, error) {
	f, err := m.frozenTree()
	if err != nil {
		return nil, err
	}
	return newTreeIter(f, o), nil
}

// NewSnapshot implements Engine in O(1).
func (m *Memory) NewSnapshot() (Snapshot, error) {
	f, err := m.frozenTree()
	if err != nil {
		return nil, err
	}
	return &memorySnapshot{tree: f}, nil
}

// Apply implements Engine: the operations of b become visible together,
// under one lock. A nil b is an empty batch. The engine keeps b's key and
// value slices; b itself (its Ops slice) is neither kept nor modified.
// sync is ignored. A large batch is applied in key order, which gives the
// same result (later operations on a key still win) faster.
func (m *Memory) Apply(b *Batch, sync bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if b == nil || len(b.Ops) == 0 {
		return nil
	}
	if err := b.validate(); err != nil {
		return err
	}
	m.frozen = nil
	if len(b.Ops) >= sortedApplyMin {
		if order, ok := sortedOrder(b.Ops); ok {
			applySorted(m.tree, b.Ops, order)
			return nil
		}
	}
	for _, op := range b.Ops {
		switch op.Kind {
		case OpSet:
			m.tree.Set(mkEntry(op.Key, op.Value))
		case OpDelete:
			m.tree.Delete(mkEntry(op.Key, nil))
		}
	}
	return nil
}

// SyncWAL implements Engine; Memory has no WAL, so it only reports
// ErrClosed after Close.
func (m *Memory) SyncWAL() error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return ErrClosed
	}
	return nil
}

// Close implements Engine, dropping the data. A second Close returns
// ErrClosed.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.closed, m.tree, m.frozen = true, nil, nil
	return nil
}

// Len returns the number of keys stored, or 0 after Close.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return 0
	}
	return m.tree.Len()
}

// memorySnapshot is a Snapshot over a frozen tree, which nobody modifies,
// so it needs no lock.
type memorySnapshot struct {
	tree   *btree.BTreeG[entry]
	closed atomic.Bool
}

func (s *memorySnapshot) Get(key []byte) ([]byte, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	e, ok := s.tree.Get(mkEntry(key, nil))
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte{}, e.v...), nil
}

func (s *memorySnapshot) NewIter(o IterOptions) (Iterator, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	return newTreeIter(s.tree, o), nil
}

func (s *memorySnapshot) Close() error {
	if s.closed.Swap(true) {
		return ErrClosed
	}
	return nil
}
