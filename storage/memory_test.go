package storage

import (
	"errors"
	"slices"
	"testing"
)

func newMemoryEngine(t *testing.T) Engine {
	m := NewMemory()
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func TestMemory(t *testing.T) { runSuite(t, newMemoryEngine) }

func TestMemoryLen(t *testing.T) {
	m := NewMemory()
	mustApply(t, m, false, sets("a", "1", "b", "2", "a", "3")...)
	if got := m.Len(); got != 2 {
		t.Fatalf("Len = %d, want 2", got)
	}
	m.Close()
	if got := m.Len(); got != 0 {
		t.Fatalf("Len after Close = %d, want 0", got)
	}
}

// TestMemorySharedFrozenCopy: iterators created between two writes share
// one copy, and a later write touches neither.
func TestMemorySharedFrozenCopy(t *testing.T) {
	m := NewMemory()
	defer m.Close()
	var ops []Op
	for i := 0; i < 1000; i++ { // several B-tree levels
		ops = append(ops, Op{Kind: OpSet, Key: []byte{byte(i >> 8), byte(i)}, Value: []byte{1}})
	}
	mustApply(t, m, false, ops...)
	it1 := mustIter(t, m, IterOptions{})
	it2 := mustIter(t, m, IterOptions{Reverse: true})
	del := make([]Op, 0, 500)
	for i := 0; i < 1000; i += 2 {
		del = append(del, Op{Kind: OpDelete, Key: []byte{byte(i >> 8), byte(i)}})
	}
	mustApply(t, m, false, del...)
	if n := len(collect(t, it1)); n != 1000 {
		t.Fatalf("forward iterator saw %d keys, want 1000", n)
	}
	if n := len(collect(t, it2)); n != 1000 {
		t.Fatalf("reverse iterator saw %d keys, want 1000", n)
	}
	if n := len(collect(t, mustIter(t, m, IterOptions{}))); n != 500 {
		t.Fatalf("new iterator saw %d keys, want 500", n)
	}
}

// TestMemorySnapshotOutlivesClose documents that a Memory snapshot owns its
// copy and keeps working after the engine is closed.
func TestMemorySnapshotOutlivesClose(t *testing.T) {
	m := NewMemory()
	mustApply(t, m, false, sets("a", "1")...)
	s, err := m.NewSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	wantGet(t, s, "a", "1", true)
	if got := collect(t, mustIter(t, s, IterOptions{})); !slices.Equal(got, []kv{{"a", "1"}}) {
		t.Fatalf("got %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get([]byte("a")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close = %v", err)
	}
}
