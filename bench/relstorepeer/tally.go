package relstorepeer

import (
	"fmt"

	"github.com/relstore/relstore/bench/workload"
)

// idKey is the id property of every workload model.
const idKey = "id"

// tally counts the records of a result as returned by the engine: a record
// (map[string]any), or a slice of records; records attached by include
// (under any key, as a record or a list of records) are counted too, once
// per attachment. Ids are float64 as the engine returns numbers.
func tally(v any) (workload.Tally, error) {
	var t workload.Tally
	err := walk(v, &t)
	return t, err
}

func walk(v any, t *workload.Tally) error {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		id, ok := x[idKey].(float64)
		if !ok {
			return fmt.Errorf("relstorepeer: record without a numeric id: %v", x)
		}
		t.Records++
		t.IDSum += int64(id)
		for k, child := range x {
			switch child.(type) {
			case map[string]any, []map[string]any, []any:
				if err := walk(child, t); err != nil {
					return fmt.Errorf("%s: %w", k, err)
				}
			}
		}
	case []map[string]any:
		for _, r := range x {
			if err := walk(r, t); err != nil {
				return err
			}
		}
	case []any:
		for _, r := range x {
			if _, ok := r.(map[string]any); !ok {
				return nil // a plain array property, not a relation
			}
			if err := walk(r, t); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("relstorepeer: unexpected result type %T", v)
	}
	return nil
}
