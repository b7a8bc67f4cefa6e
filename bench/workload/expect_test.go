package workload

import "testing"

// specTable is WORKLOAD.md's table of expected results at SCALE=1.
var specTable = map[Op]Tally{
	W1: {410000, 50050205000},
	Q1: {10000, 49245017},
	Q2: {100000, 4992309080},
	Q3: {11000, 455505500},
	Q4: {20000, 300517460},
	Q5: {4100, 480207050},
	Q6: {4910, 244642110},
	Q7: {10000, 495901952},
}

func TestExpectMatchesSpecAtScale1(t *testing.T) {
	d := Generate(1, DefaultSeed)
	for op, want := range specTable {
		if got := d.Expect(op, d.Planned(op)); got != want {
			t.Errorf("%s: expected %v, spec says %v", op, got, want)
		}
	}
	if got, want := d.Expect(Q8, d.Planned(Q8)), specTable[Q7]; got != want {
		t.Errorf("Q8: %v, want Q7's %v", got, want)
	}
}

func TestExpectPrefixes(t *testing.T) {
	d := Generate(0.01, DefaultSeed)
	if got := d.Expect(W1, d.NC+2); got != (Tally{int64(d.NC + 2), int64(d.NC*(d.NC+1)/2) + 3}) {
		t.Errorf("W1 prefix into orders: %v", got)
	}
	if got := d.Expect(Q1, 0); got != (Tally{}) {
		t.Errorf("empty Q1 prefix: %v", got)
	}
	if got, want := d.Expect(Q1, 1), (Tally{1, d.Order(d.Q1[0]).CustomerID}); got != want {
		t.Errorf("Q1 first op: %v, want %v", got, want)
	}
	if got := d.Expect(Q2, 2); got.Records != 20 {
		t.Errorf("Q2 two ops: %v", got)
	}
	full := d.Expect(Q7, d.StreamOps)
	if part := d.Expect(Q7, d.StreamOps-1); full.IDSum-part.IDSum != d.Q7[d.StreamOps-1].OrderID {
		t.Errorf("Q7 prefix sums inconsistent: %v vs %v", part, full)
	}
}

func TestPlanned(t *testing.T) {
	d := Generate(0.01, DefaultSeed)
	if d.Planned(W1) != 4100 || d.Planned(Q7) != 100 || d.Planned(Q3) != 0 {
		t.Errorf("Planned: W1 %d Q7 %d Q3 %d", d.Planned(W1), d.Planned(Q7), d.Planned(Q3))
	}
}
