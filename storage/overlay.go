package storage

import (
	"bytes"

	"github.com/tidwall/btree"
)

// Overlay is an indexed write batch over a Reader. Set and Delete record
// each write in an ordered in-memory index; Get and NewIter read the
// overlay merged over the underlying Reader, so a transaction sees its own
// writes, and Batch hands the writes to Engine.Apply.
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
	n      int                  // writes recorded
	batch  *Batch               // built by Batch, nil after a write
	// hints are tree path hints, one per group of keys sharing their first
	// two bytes (see hint): a transaction writes a few interleaved
	// ascending sequences (records and index entries; relstore's keys
	// start with a tag and a model id), and a hint per sequence lets each
	// search start where that sequence's previous one ended, in a node
	// still in cache. (A hash index instead of the tree's searches measured
	// slower on a bulk load: its probes miss the cache every time.)
	hints [hintSlots]btree.PathHint
}

// hintSlots is the number of path hints of an Overlay.
const hintSlots = 16

// hint returns the path hint of key's group. Any choice is correct: a hint
// only says where a search starts.
func (o *Overlay) hint(key []byte) *btree.PathHint {
	var h uint
	switch {
	case len(key) >= 2:
		h = uint(key[0])*31 + uint(key[1])
	case len(key) == 1:
		h = uint(key[0])
	}
	return &o.hints[h%hintSlots]
}

var _ Reader = (*Overlay)(nil)

// NewOverlay returns an empty overlay over r.
func NewOverlay(r Reader) *Overlay { return &Overlay{r: r, tree: newTree()} }

// Set records a write of value under key.
func (o *Overlay) Set(key, value []byte) {
	o.tree.SetHint(mkEntry(key, value), o.hint(key))
	o.wrote()
}

// Delete records the removal of key; it hides key in the underlying Reader.
func (o *Overlay) Delete(key []byte) {
	e := mkEntry(key, nil)
	e.tombstone = true
	o.tree.SetHint(e, o.hint(key))
	o.wrote()
}

func (o *Overlay) wrote() {
	o.n++
	o.frozen, o.batch = nil, nil
}

// Batch returns a batch with the effect of the recorded writes, for
// Engine.Apply: the latest write of each key (a set, or a delete), in
// ascending key order. Later writes on a key overwrote earlier ones in the
// overlay, so the batch may hold fewer operations than Len.
//
// The batch is owned by the overlay, and the same one is returned until the
// next write: adding operations to it is allowed (the batch is built with
// room for a few), but do not modify its existing operations, and do not
// use the overlay after applying it.
func (o *Overlay) Batch() *Batch {
	if o.batch == nil {
		b := &Batch{Ops: make([]Op, 0, o.tree.Len()+minBatchCap)}
		o.tree.Scan(func(e entry) bool {
			if e.tombstone {
				b.Ops = append(b.Ops, Op{Kind: OpDelete, Key: e.key()})
			} else {
				b.Ops = append(b.Ops, Op{Kind: OpSet, Key: e.key(), Value: e.value()})
			}
			return true
		})
		o.batch = b
	}
	return o.batch
}

// Len returns the number of writes recorded (Set and Delete calls).
func (o *Overlay) Len() int { return o.n }

// Reset discards every recorded write. Open iterators are unaffected.
func (o *Overlay) Reset() {
	o.tree, o.frozen = newTree(), nil
	o.n, o.batch = 0, nil
	o.hints = [hintSlots]btree.PathHint{}
}

// Get implements Reader: the overlay's latest write for key if there is one
// (ErrNotFound for a delete), otherwise the underlying Reader's answer. The
// returned slice is a copy.
func (o *Overlay) Get(key []byte) ([]byte, error) {
	if e, ok := o.tree.GetHint(mkEntry(key, nil), o.hint(key)); ok {
		if e.tombstone {
			return nil, ErrNotFound
		}
		return append([]byte{}, e.v...), nil
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
