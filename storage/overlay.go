package storage

import (
	"bytes"

	"github.com/tidwall/btree"
)

// Overlay is an indexed write batch over a Reader. Set and Delete record
// each write both in an ordered in-memory index and in a Batch; Get and
// NewIter read the overlay merged over the underlying Reader, so a
// transaction sees its own writes, and Batch hands the writes to
// Engine.Apply.
//
// The underlying Reader is never written. Reads through the overlay are
// only as consistent as that Reader: use a Snapshot for a stable view.
//
// An Overlay is not safe for concurrent use. It keeps the key and value
// slices passed to Set and Delete without copying; callers must not modify
// them afterwards.
type Overlay struct {
	r      Reader
	tree   *btree.BTreeG[entry] // latest write per key; deletes are tombstones
	frozen *btree.BTreeG[entry] // read-only copy for iterators, nil after a write
	batch  Batch
}

var _ Reader = (*Overlay)(nil)

// NewOverlay returns an empty overlay over r.
func NewOverlay(r Reader) *Overlay { return &Overlay{r: r, tree: newTree()} }

// Set records a write of value under key.
func (o *Overlay) Set(key, value []byte) {
	o.tree.Set(entry{key: key, value: value})
	o.frozen = nil
	o.batch.Set(key, value)
}

// Delete records the removal of key; it hides key in the underlying Reader.
func (o *Overlay) Delete(key []byte) {
	o.tree.Set(entry{key: key, tombstone: true})
	o.frozen = nil
	o.batch.Delete(key)
}

// Batch returns the recorded writes, in order, for Engine.Apply. The batch
// is owned by the overlay: do not modify it, and do not use the overlay
// after applying it.
func (o *Overlay) Batch() *Batch { return &o.batch }

// Len returns the number of writes recorded.
func (o *Overlay) Len() int { return o.batch.Len() }

// Reset discards every recorded write. Open iterators are unaffected.
func (o *Overlay) Reset() {
	o.tree, o.frozen = newTree(), nil
	o.batch = Batch{}
}

// Get implements Reader: the overlay's latest write for key if there is one
// (ErrNotFound for a delete), otherwise the underlying Reader's answer. The
// returned slice is a copy.
func (o *Overlay) Get(key []byte) ([]byte, error) {
	if e, ok := o.tree.Get(entry{key: key}); ok {
		if e.tombstone {
			return nil, ErrNotFound
		}
		return append([]byte{}, e.value...), nil
	}
	return o.r.Get(key)
}

// NewIter implements Reader with an iterator that merges the overlay's
// writes, as of this call, over an iterator of the underlying Reader. Keys
// deleted in the overlay are skipped; keys set in it shadow the
// underlying values.
func (o *Overlay) NewIter(opts IterOptions) (Iterator, error) {
	u, err := o.r.NewIter(opts)
	if err != nil {
		return nil, err
	}
	if o.frozen == nil {
		o.frozen = o.tree.Copy()
	}
	return &overlayIter{o: newTreeIter(o.frozen, opts), u: u, reverse: opts.Reverse}, nil
}

// overlayIter merges an overlay tree iterator (with tombstones) over an
// underlying iterator. Both move in the same direction; when both are at
// the same key the overlay wins.
type overlayIter struct {
	o        *treeIter
	u        Iterator
	reverse  bool
	oOK, uOK bool // whether each side is positioned at a key
	atO, atU bool // which sides are at the current key
	state    iterState
	err      error
}

// cmp compares keys in iteration order: negative when a comes first.
func (m *overlayIter) cmp(a, b []byte) int {
	c := bytes.Compare(a, b)
	if m.reverse {
		return -c
	}
	return c
}

func (m *overlayIter) stepO() { m.oOK = m.o.Next() }

func (m *overlayIter) stepU() {
	m.uOK = m.u.Next()
	if !m.uOK && m.err == nil {
		m.err = m.u.Err()
	}
}

func (m *overlayIter) Next() bool {
	switch m.state {
	case iterUnstarted:
		m.stepO()
		m.stepU()
	case iterValid:
		if m.atO {
			m.stepO()
		}
		if m.atU {
			m.stepU()
		}
	default:
		return false
	}
	return m.settle()
}

func (m *overlayIter) SeekGE(key []byte) bool {
	if m.state == iterClosed {
		return false
	}
	m.oOK = m.o.SeekGE(key)
	m.uOK = m.u.SeekGE(key)
	if !m.uOK && m.err == nil {
		m.err = m.u.Err()
	}
	return m.settle()
}

// settle picks the current key from the two sides, skipping overlay
// tombstones and the underlying keys they hide.
func (m *overlayIter) settle() bool {
	for m.err == nil && (m.oOK || m.uOK) {
		c := -1 // overlay first
		if !m.oOK {
			c = 1
		} else if m.uOK {
			c = m.cmp(m.o.Key(), m.u.Key())
		}
		if c > 0 {
			m.atO, m.atU, m.state = false, true, iterValid
			return true
		}
		if m.o.cur.tombstone {
			if c == 0 {
				m.stepU()
			}
			m.stepO()
			continue
		}
		m.atO, m.atU, m.state = true, c == 0, iterValid
		return true
	}
	m.atO, m.atU, m.state = false, false, iterExhausted
	return false
}

func (m *overlayIter) Key() []byte {
	switch {
	case m.state != iterValid:
		return nil
	case m.atO:
		return m.o.Key()
	}
	return m.u.Key()
}

func (m *overlayIter) Value() []byte {
	switch {
	case m.state != iterValid:
		return nil
	case m.atO:
		return m.o.Value()
	}
	return m.u.Value()
}

func (m *overlayIter) Err() error {
	if m.state == iterClosed {
		return ErrClosed
	}
	return m.err
}

func (m *overlayIter) Close() error {
	if m.state == iterClosed {
		return ErrClosed
	}
	m.state = iterClosed
	_ = m.o.Close()
	return m.u.Close()
}
