package sqlitepeer

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

// This file materialises rows as map[string]any, the shape relstore returns
// (numbers float64, dates time.Time), for the "maps" variants.

// dateColumns are the columns stored as Unix ms and returned as time.Time.
var dateColumns = map[string]bool{"createdAt": true}

// scanMaps reads every row of rows into a map keyed by column name and
// closes rows. Integers and reals become float64, createdAt a time.Time.
func scanMaps(rows *sql.Rows, err error) ([]map[string]any, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []map[string]any
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			switch v := vals[i].(type) {
			case int64:
				if dateColumns[c] {
					m[c] = time.UnixMilli(v).UTC()
				} else {
					m[c] = float64(v)
				}
			case float64, string, nil:
				m[c] = v
			default:
				return nil, fmt.Errorf("sqlitepeer: column %s: unexpected %T", c, v)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// tallyMaps counts maps and the maps attached under key, once per
// attachment.
func tallyMaps(ms []map[string]any, key string) workload.Tally {
	var t workload.Tally
	for _, m := range ms {
		t = t.Add(workload.Tally{Records: 1, IDSum: int64(m["id"].(float64))})
		children, _ := m[key].([]map[string]any)
		for _, c := range children {
			t = t.Add(workload.Tally{Records: 1, IDSum: int64(c["id"].(float64))})
		}
	}
	return t
}

// CustomersWithOrdersMaps is Q3 with rows as maps: the customers, then their
// orders by one IN query, attached under "orders".
func (s *Session) CustomersWithOrdersMaps(ctx context.Context, limit int) (workload.Tally, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+customerCols+" FROM customers ORDER BY id LIMIT ?", limit)
	cs, err := scanMaps(rows, err)
	if err != nil || len(cs) == 0 {
		return workload.Tally{}, err
	}
	byID := make(map[float64]map[string]any, len(cs))
	ids := make([]int64, len(cs))
	for i, c := range cs {
		id := c["id"].(float64)
		byID[id] = c
		ids[i] = int64(id)
		c["orders"] = []map[string]any{}
	}
	q, args := inQuery(orderCols, "orders", "customerId", ids)
	rows, err = s.db.QueryContext(ctx, q, args...)
	os, err := scanMaps(rows, err)
	if err != nil {
		return workload.Tally{}, err
	}
	for _, o := range os {
		if c := byID[o["customerId"].(float64)]; c != nil {
			c["orders"] = append(c["orders"].([]map[string]any), o)
		}
	}
	return tallyMaps(cs, "orders"), nil
}
