package engine

import "github.com/relstore/relstore/schema"

// ShareRecords sets whether the records tx's operations return are the
// store's own record maps (share true) instead of fresh top-level copies,
// and returns the previous setting. The default is false.
//
// A shared record is read-only: its map, like its nested values, must never
// be modified. It stays valid after the transaction ends, because the store
// never changes a record map it has stored (a write stores a new map). A
// record that gets properties removed (hidden, or protected inside an
// include) or relations attached by an include is still a fresh map.
//
// Sharing is for callers that only read what they get — decoding records
// into structs, encoding them as JSON — and saves one map copy per record;
// a caller that wants to change a shared record copies it (CloneValue).
func (tx *Tx) ShareRecords(share bool) (prev bool) {
	prev, tx.share = tx.share, share
	return prev
}

// output prepares a stored record for the caller of tx: the record itself
// when tx shares records and nothing is to be removed, otherwise a copy
// (see output).
func (tx *Tx) output(m *schema.Model, rec map[string]any, nested bool) map[string]any {
	if tx.share && rec != nil && len(m.Hidden) == 0 && (!nested || len(m.Protected) == 0) {
		return rec
	}
	return output(m, rec, nested)
}
