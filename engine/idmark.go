package engine

import (
	"math"

	"github.com/relstore/relstore/schema"
)

// A create must refuse an id that is already stored, which costs a point
// read per create — on Pebble a Get through every level, a sixth of a bulk
// load. Ids are mostly new and ascending (generated, or imported in
// order), so each model with a single numeric id keeps a high-water mark:
// a number at least as large as every id stored. A create whose id is above
// the mark cannot collide and skips the read.
//
// The mark only ever rises. It is raised before the record is written, so
// a refused create or a rolled-back transaction leaves it too high, which
// is safe: it only makes later creates read. Deletes leave it alone for
// the same reason. It is computed on first use from the largest stored
// primary key (numbers encode in order) and kept per model state, so a
// redefined model starts over. Every path that stores a record under a new
// primary key goes through newRecordAbsent: creates and dump imports; the
// other writes keep the record's id.

// idMarked reports whether ms's ids are single numbers, the case marks
// cover.
func idMarked(ms *modelState) bool {
	return len(ms.idProps) == 1 && ms.idProps[0].Type.Kind == schema.KindNumber
}

// newRecordAbsent returns the record stored at pk, which is about to be
// created with id, or nil when none is — without reading when id is above
// the model's mark. It raises the mark to id. Write transactions only.
func (tx *Tx) newRecordAbsent(ms *modelState, pk []byte, id any) (map[string]any, error) {
	f, ok := id.(float64)
	if !ok || !idMarked(ms) || math.IsNaN(f) {
		return tx.getRecord(ms, pk)
	}
	db := tx.db
	mark, known := db.idMarks[ms]
	if !known {
		var err error
		if mark, err = tx.largestID(ms); err != nil {
			return nil, err
		}
	}
	if f > mark {
		tx.setIDMark(ms, f)
		return nil, nil
	}
	if !known {
		tx.setIDMark(ms, mark)
	}
	return tx.getRecord(ms, pk)
}

// setIDMark records ms's mark (under the writer lock the tx holds).
func (tx *Tx) setIDMark(ms *modelState, mark float64) {
	if tx.db.idMarks == nil {
		tx.db.idMarks = map[*modelState]float64{}
	}
	tx.db.idMarks[ms] = mark
}

// largestID is the id of the last record of ms in primary-key order, as
// tx sees it (-Inf when there is none).
func (tx *Tx) largestID(ms *modelState) (float64, error) {
	largest := math.Inf(-1)
	err := tx.scanRecords(ms, true, func(_ []byte, rec map[string]any) (bool, error) {
		if f, ok := rec[ms.idProps[0].Name].(float64); ok {
			largest = f
		}
		return false, nil
	})
	return largest, err
}
