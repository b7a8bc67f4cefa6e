package workload

import "fmt"

// Op names an operation of the workload.
type Op string

// The workload's operations, in the order they run. Q8 is relstore's
// addition to version 1: the Q7 stream split over Q8Writers concurrent
// writers, run only by systems that claim durability.
const (
	W1 Op = "W1"
	Q1 Op = "Q1"
	Q2 Op = "Q2"
	Q3 Op = "Q3"
	Q4 Op = "Q4"
	Q5 Op = "Q5"
	Q6 Op = "Q6"
	Q7 Op = "Q7"
	Q8 Op = "Q8"
)

// Ops lists every operation in run order.
var Ops = []Op{W1, Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8}

// Q8Writers is Q8's number of concurrent writers. Q8 writes Data.Q8 (the
// Q7 stream with each status moved to the next one) split into Q8Writers
// contiguous chunks.
const Q8Writers = 16

// IsStream reports whether op is a loop over a stream (timed once around the
// loop, n = ops done) rather than a repeated call (warm-up, then REPS timed
// calls). W1 counts as a stream whose op is one row.
func (op Op) IsStream() bool {
	switch op {
	case W1, Q1, Q2, Q7, Q8:
		return true
	}
	return false
}

// Tally is what an operation returned: the number of rows (every parent and
// every attached child, an attached row counted once per attachment) and the
// sum of their ids. Tallies of consecutive ops add up.
type Tally struct {
	Records int64 `json:"records"`
	IDSum   int64 `json:"idsum"`
}

// Add returns t + u.
func (t Tally) Add(u Tally) Tally { return Tally{t.Records + u.Records, t.IDSum + u.IDSum} }

// String formats t as "records/idsum".
func (t Tally) String() string { return fmt.Sprintf("%d/%d", t.Records, t.IDSum) }

// Expect returns the expected tally of op over the first n elements of its
// stream (W1: the first n rows in load order; Q1, Q2, Q7, Q8: stream
// elements), or of one call for Q3–Q6 (n is ignored). Q4 reads the statuses
// as generated, before Q7 runs.
func (d *Data) Expect(op Op, n int) Tally {
	var t Tally
	switch op {
	case W1:
		n = min(n, d.Rows())
		t.Records = int64(n)
		// Ids restart at 1 in each table: sum the ascending prefix of each.
		for _, size := range []int{d.NC, d.NO, d.NI} {
			k := int64(min(n, size))
			t.IDSum += k * (k + 1) / 2
			n -= int(k)
		}
	case Q1:
		for _, oid := range d.Q1[:n] {
			t = t.Add(Tally{1, d.Order(oid).CustomerID})
		}
	case Q2:
		for _, cid := range d.Q2[:n] {
			for _, oid := range d.OrderIDsOf(cid) {
				t = t.Add(Tally{1, oid})
			}
		}
	case Q3:
		for c := int64(1); c <= int64(min(d.Q3Limit, d.NC)); c++ {
			t = t.Add(Tally{1, c})
			for _, oid := range d.OrderIDsOf(c) {
				t = t.Add(Tally{1, oid})
			}
		}
	case Q4:
		found := 0
		for i := range d.Orders {
			o := &d.Orders[i]
			if o.Status != Q4Status {
				continue
			}
			t = t.Add(Tally{2, o.ID + o.CustomerID})
			if found++; found == d.Q4Limit {
				break
			}
		}
	case Q5:
		for c := int64(1); c <= int64(min(d.Q5Limit, d.NC)); c++ {
			t = t.Add(Tally{1, c})
			for _, oid := range d.OrderIDsOf(c) {
				t = t.Add(Tally{1, oid})
				for _, iid := range d.ItemIDsOf(oid) {
					t = t.Add(Tally{1, iid})
				}
			}
		}
	case Q6:
		for i := range d.Orders {
			o := &d.Orders[i]
			if d.Customer(o.CustomerID).City == Q6City {
				t = t.Add(Tally{1, o.ID})
			}
		}
	case Q7, Q8:
		for _, u := range d.Q7[:n] {
			t = t.Add(Tally{1, u.OrderID})
		}
	default:
		panic("workload: Expect of unknown op " + string(op))
	}
	return t
}

// Planned returns the number of stream elements of a stream op (W1: rows),
// or 0 for call ops.
func (d *Data) Planned(op Op) int {
	switch op {
	case W1:
		return d.Rows()
	case Q1, Q2, Q7, Q8:
		return d.StreamOps
	}
	return 0
}
