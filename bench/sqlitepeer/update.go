package sqlitepeer

import (
	"context"

	"github.com/relstore/relstore/bench/workload"
)

// SetStatus implements workload.Session (Q7, Q8): one autocommitted
// prepared UPDATE.
func (s *Session) SetStatus(ctx context.Context, orderID int64, status string) (workload.Tally, error) {
	res, err := s.setStatus.ExecContext(ctx, status, orderID)
	if err != nil {
		return workload.Tally{}, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return workload.Tally{}, err
	}
	return workload.Tally{Records: 1, IDSum: orderID}, nil
}
