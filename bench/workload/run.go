package workload

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Config controls one Run.
type Config struct {
	// Reps is the number of timed calls of Q3–Q6 (after one untimed
	// warm-up); values below 1 mean 1.
	Reps int
	// Budget, when positive, stops a stream loop (Q1, Q2, Q7, Q8) and the
	// timed calls of Q3–Q6 once exceeded, checked between ops; at least one
	// op or call is always done. W1 is never cut short: the other ops need
	// the whole data set.
	Budget time.Duration
	// Round is written into each line's round key (0: omitted).
	Round int
	// Ops, when not nil, selects the ops run after W1 (which always runs:
	// the others need its data); an op absent from it is skipped.
	Ops map[Op]bool
}

// wants reports whether op is to be run.
func (c Config) wants(op Op) bool { return c.Ops == nil || op == W1 || c.Ops[op] }

// Run opens a session of sys, loads d into it (W1), runs Q1…Q7 and, for
// durable systems, Q8, and passes each op's line to emit as soon as it is
// measured. The garbage collector runs before each timed part so that one
// op's garbage is not charged to the next.
//
// An error of W1 aborts the run (the line is still emitted); an error of a
// later op is reported on its line (check_ok false, note "error: …") and the
// run goes on. Run returns the first error met.
func Run(ctx context.Context, sys System, d *Data, cfg Config, emit func(Line)) error {
	s, err := sys.Open(ctx)
	if err != nil {
		return fmt.Errorf("%s: open: %w", sys.Name(), err)
	}
	r := &runner{ctx: ctx, sys: sys, s: s, d: d, cfg: cfg, emit: emit}
	r.all()
	if cerr := s.Close(); cerr != nil && r.err == nil {
		r.err = fmt.Errorf("%s: close: %w", sys.Name(), cerr)
	}
	return r.err
}

type runner struct {
	ctx  context.Context
	sys  System
	s    Session
	d    *Data
	cfg  Config
	emit func(Line)
	err  error // first error met
}

func (r *runner) all() {
	d, s := r.d, r.s
	if !r.load() {
		return
	}
	alts := map[Op][]Alternate{}
	if a, ok := s.(Alternator); ok {
		for _, alt := range a.Alternates() {
			alts[alt.Op] = append(alts[alt.Op], alt)
		}
	}
	streams := []struct {
		op Op
		do func(i int) (Tally, error)
	}{
		{Q1, func(i int) (Tally, error) { return s.OrderCustomer(r.ctx, d.Q1[i]) }},
		{Q2, func(i int) (Tally, error) { return s.CustomerOrders(r.ctx, d.Q2[i]) }},
	}
	for _, st := range streams {
		if !r.cfg.wants(st.op) {
			continue
		}
		r.stream(st.op, s.Variant(st.op), true, st.do)
		for _, alt := range alts[st.op] {
			if do := alt.Stream; do != nil {
				r.stream(st.op, alt.Variant, false, func(i int) (Tally, error) { return do(r.ctx, d, i) })
			}
		}
	}
	calls := []struct {
		op   Op
		call func() (Tally, error)
	}{
		{Q3, func() (Tally, error) { return s.CustomersWithOrders(r.ctx, d.Q3Limit) }},
		{Q4, func() (Tally, error) { return s.OrdersWithCustomer(r.ctx, Q4Status, d.Q4Limit) }},
		{Q5, func() (Tally, error) { return s.CustomersWithOrdersItems(r.ctx, d.Q5Limit) }},
		{Q6, func() (Tally, error) { return s.OrdersInCity(r.ctx, Q6City) }},
	}
	for _, c := range calls {
		if !r.cfg.wants(c.op) {
			continue
		}
		r.calls(c.op, s.Variant(c.op), true, c.call)
		for _, alt := range alts[c.op] {
			if call := alt.Call; call != nil {
				r.calls(c.op, alt.Variant, false, func() (Tally, error) { return call(r.ctx, d) })
			}
		}
	}
	if r.cfg.wants(Q7) {
		r.stream(Q7, s.Variant(Q7), true, func(i int) (Tally, error) { return s.SetStatus(r.ctx, d.Q7[i].OrderID, d.Q7[i].Status) })
	}
	if r.sys.Durable() && r.cfg.wants(Q8) {
		r.concurrent(Q8, Q8Writers, func(i int) (Tally, error) { return s.SetStatus(r.ctx, d.Q8[i].OrderID, d.Q8[i].Status) })
	}
}

// line returns a line for op with the run-wide keys filled in.
func (r *runner) line(op Op, variant string, primary bool) Line {
	return Line{
		System:  r.sys.Name(),
		Op:      op,
		Variant: variant,
		Primary: primary,
		Scale:   r.d.Scale,
		Seed:    r.d.Seed,
		Round:   r.cfg.Round,
	}
}

// fail records err as the run's first error and as l's note.
func (r *runner) fail(l *Line, err error) {
	l.CheckOK = false
	l.Note = "error: " + err.Error()
	if r.err == nil {
		r.err = fmt.Errorf("%s %s: %w", r.sys.Name(), l.Op, err)
	}
}

func (r *runner) overBudget(start time.Time) bool {
	return r.cfg.Budget > 0 && time.Since(start) > r.cfg.Budget
}

func (r *runner) load() bool {
	l := r.line(W1, r.s.Variant(W1), true)
	l.Planned = r.d.Planned(W1)
	l.Fingerprint = r.d.Fingerprint()
	want := r.d.Expect(W1, l.Planned)
	l.Expect = &want
	runtime.GC()
	start := time.Now()
	got, err := r.s.Load(r.ctx, r.d)
	elapsed := time.Since(start).Seconds()
	l.N, l.Records, l.IDSum = int(got.Records), got.Records, got.IDSum
	l.CheckOK = got == want
	l.setTiming(elapsed, got.Records)
	if err == nil && !l.CheckOK {
		err = fmt.Errorf("loaded %v, want %v", got, want)
	}
	if err != nil {
		r.fail(&l, err)
	}
	if du, ok := r.s.(DiskUser); ok && err == nil {
		if b, derr := du.DiskBytes(); derr == nil {
			l.DiskBytes = b
		}
	}
	r.emit(l)
	return err == nil
}

// stream times one loop over the first ops of op's stream.
func (r *runner) stream(op Op, variant string, primary bool, do func(i int) (Tally, error)) {
	l := r.line(op, variant, primary)
	l.Planned = r.d.Planned(op)
	var got Tally
	var err error
	runtime.GC()
	start := time.Now()
	n := 0
	for ; n < l.Planned; n++ {
		if n > 0 && r.overBudget(start) {
			break
		}
		var t Tally
		if t, err = do(n); err != nil {
			break
		}
		got = got.Add(t)
	}
	elapsed := time.Since(start).Seconds()
	want := r.d.Expect(op, n)
	r.finishStream(&l, n, elapsed, got, want, err)
}

// concurrent times op's stream split into writers contiguous chunks, each
// run in order by its own goroutine. Under a budget each writer does a
// prefix of its chunk; the expectation sums those prefixes.
func (r *runner) concurrent(op Op, writers int, do func(i int) (Tally, error)) {
	l := r.line(op, r.s.Variant(op), true)
	l.Planned = r.d.Planned(op)
	l.Conc = writers
	type result struct {
		lo, done int
		got      Tally
		err      error
	}
	results := make([]result, writers)
	var wg sync.WaitGroup
	runtime.GC()
	start := time.Now()
	for w := range writers {
		lo, hi := w*l.Planned/writers, (w+1)*l.Planned/writers
		results[w].lo = lo
		wg.Go(func() {
			res := &results[w]
			for i := lo; i < hi; i++ {
				if i > lo && r.overBudget(start) {
					return
				}
				t, err := do(i)
				if err != nil {
					res.err = err
					return
				}
				res.got = res.got.Add(t)
				res.done++
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	var got, want Tally
	var errs []error
	n := 0
	for _, res := range results {
		got = got.Add(res.got)
		lo, hi := r.d.Expect(op, res.lo), r.d.Expect(op, res.lo+res.done)
		want = want.Add(Tally{hi.Records - lo.Records, hi.IDSum - lo.IDSum})
		n += res.done
		if res.err != nil {
			errs = append(errs, res.err)
		}
	}
	r.finishStream(&l, n, elapsed, got, want, errors.Join(errs...))
}

func (r *runner) finishStream(l *Line, n int, elapsed float64, got, want Tally, err error) {
	l.N, l.Records, l.IDSum = n, got.Records, got.IDSum
	l.Expect = &want
	l.CheckOK = got == want && err == nil && n > 0
	l.setTiming(elapsed, got.Records)
	if err != nil {
		r.fail(l, err)
	}
	r.emit(*l)
}

// calls runs one untimed warm-up call, then up to Reps timed calls.
func (r *runner) calls(op Op, variant string, primary bool, call func() (Tally, error)) {
	l := r.line(op, variant, primary)
	want := r.d.Expect(op, 0)
	l.Expect = &want
	ok := true
	got, err := call() // warm-up
	if err != nil {
		r.fail(&l, err)
		r.emit(l)
		return
	}
	ok = ok && got == want
	reps := max(1, r.cfg.Reps)
	runtime.GC()
	start := time.Now()
	n := 0
	for ; n < reps; n++ {
		if n > 0 && r.overBudget(start) {
			break
		}
		var t Tally
		if t, err = call(); err != nil {
			break
		}
		ok = ok && t == want
		got = t
	}
	elapsed := time.Since(start).Seconds()
	l.N, l.Records, l.IDSum = n, got.Records, got.IDSum
	l.CheckOK = ok && err == nil && n > 0
	l.setTiming(elapsed, int64(n)*got.Records)
	if err != nil {
		r.fail(&l, err)
	}
	r.emit(l)
}
