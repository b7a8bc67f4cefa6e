package engine

import (
	"sync"
	"sync/atomic"
)

// changeBuffer is how many changes a subscriber may lag behind before the
// oldest undelivered ones are dropped for it.
const changeBuffer = 256

// Change is one committed write, as LoopBack's change stream reports it.
type Change struct {
	Model  string         `json:"-"`
	Type   string         `json:"type"` // "create", "update" or "remove"
	Target any            `json:"target"`
	Data   map[string]any `json:"data,omitempty"`
	Where  map[string]any `json:"where,omitempty"`
}

type subscribers struct {
	n atomic.Int32 // len(subs), read without the lock on every write
	// Commits take a ticket under the writer lock and publish in ticket
	// order after their sync, so subscribers see changes in commit order.
	tickets atomic.Uint64 // next ticket to hand out
	pubMu   sync.Mutex
	pubCond *sync.Cond
	nextPub uint64 // ticket allowed to publish next
	mu      sync.Mutex
	next    int
	subs    map[int]*subscriber
}

type subscriber struct {
	model string
	ch    chan Change
}

// Subscribe returns a channel of the committed changes of model (every
// model when model is ""), in commit order, and a function that ends the
// subscription and closes the channel. A subscriber that falls more than
// changeBuffer changes behind misses the excess.
func (db *DB) Subscribe(model string) (<-chan Change, func()) {
	s := &db.subs
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs == nil {
		s.subs = map[int]*subscriber{}
	}
	id := s.next
	s.next++
	sub := &subscriber{model: model, ch: make(chan Change, changeBuffer)}
	s.subs[id] = sub
	s.n.Store(int32(len(s.subs)))
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.subs, id)
			s.n.Store(int32(len(s.subs)))
			s.mu.Unlock()
			close(sub.ch)
		})
	}
}

// ticket reserves a place in the publication order; call under the
// writer lock.
func (s *subscribers) ticket() uint64 { return s.tickets.Add(1) - 1 }

// publishInOrder waits for the commits with earlier tickets to publish,
// then publishes changes (possibly none) and lets the next one go.
func (s *subscribers) publishInOrder(t uint64, changes []Change) {
	s.pubMu.Lock()
	if s.pubCond == nil {
		s.pubCond = sync.NewCond(&s.pubMu)
	}
	for s.nextPub != t {
		s.pubCond.Wait()
	}
	s.publish(changes)
	s.nextPub++
	s.pubCond.Broadcast()
	s.pubMu.Unlock()
}

func (s *subscribers) publish(changes []Change) {
	if len(changes) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range s.subs {
		for _, c := range changes {
			if sub.model != "" && sub.model != c.Model {
				continue
			}
			select {
			case sub.ch <- c:
			default:
			}
		}
	}
}

// record notes a change for subscribers. build runs only when someone
// listens: a change carries a copy of the record, not worth making for
// nobody (it was a tenth of a bulk load).
func (tx *Tx) record(build func() Change) {
	if tx.db.subs.n.Load() > 0 {
		tx.changes = append(tx.changes, build())
	}
}

// recordWrite notes the creation or update (typ) of rec.
func (tx *Tx) recordWrite(ms *modelState, typ string, target any, rec map[string]any) {
	tx.record(func() Change {
		return Change{Model: ms.m.Name, Type: typ, Target: target, Data: output(ms.m, rec, false)}
	})
}

// recordRemove notes the removal of old.
func (tx *Tx) recordRemove(ms *modelState, old map[string]any) {
	tx.record(func() Change {
		ids, _ := ms.idOf(old)
		target := first(ids)
		return Change{Model: ms.m.Name, Type: "remove", Target: target,
			Where: map[string]any{ms.idProps[0].Name: target}}
	})
}
