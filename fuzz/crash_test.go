package fuzz

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/storage"
)

// Crash recovery. TestCrashRecovery runs cycles of: start a child process
// (this test binary, running TestCrashChild) that writes to a Pebble store
// with durable commits, kill it with SIGKILL at a random moment, reopen the
// store and compare it with a model of every write the child acknowledged.
//
// The child prints, unbuffered, one JSON line before each operation (the
// intent: the operation and its arguments) and one after it returned (the
// acknowledgement: success and result, or the refusal). A line of at most
// PIPE_BUF bytes reaches the parent whole or not at all. So after the kill
// the parent knows every acknowledged operation, and at most one operation
// in flight, which may or may not have committed. The reopened store must
// equal the model with every acknowledged write, either without or with the
// operation in flight, entirely: no acknowledged write lost, no part of a
// transaction visible without the rest. Check must pass too.
//
// The operations are creates (some in multi-record transactions), patches,
// updateAll, a transfer transaction, deletes that cascade (Author → Book →
// Review through hasMany onDelete cascade) and deleteAll; the unique index
// on Author.email refuses some of them, which the parent predicts from its
// model.
//
//	RELSTORE_CRASH_CYCLES (default 20): cycles to run
//	RELSTORE_SEED: the seed (default fixed)
//	RELSTORE_CRASH_DIR: keep the store there (empty or absent) instead of
//	a temporary directory
//	RELSTORE_CRASH_NOSYNC=1: the child acknowledges before the WAL sync;
//	the test must then fail (a check of the test itself)

var crashModels = []string{
	`{"name": "Author", "base": "PersistedModel", "idInjection": false,
	  "properties": {"id": {"type": "number", "id": true}, "name": "string",
	    "email": {"type": "string", "index": {"unique": true}}, "age": "number"},
	  "relations": {"books": {"type": "hasMany", "model": "Book", "foreignKey": "authorId", "onDelete": "cascade"}}}`,
	`{"name": "Book", "base": "PersistedModel", "idInjection": false,
	  "properties": {"id": {"type": "number", "id": true}, "title": "string", "pages": "number", "authorId": "number"},
	  "relations": {"author": {"type": "belongsTo", "model": "Author", "foreignKey": "authorId"},
	                "reviews": {"type": "hasMany", "model": "Review", "foreignKey": "bookId", "onDelete": "cascade"}}}`,
	`{"name": "Review", "base": "PersistedModel",
	  "properties": {"stars": "number", "bookId": "number"},
	  "relations": {"book": {"type": "belongsTo", "model": "Book", "foreignKey": "bookId"}}}`,
}

var crashModelNames = []string{"Author", "Book", "Review"}

// crashOp is an operation of the child: the intent line.
type crashOp struct {
	Seq  int            `json:"seq"`
	Op   string         `json:"op"`
	Args map[string]any `json:"args"`
}

// crashAck is the acknowledgement line.
type crashAck struct {
	Seq  int    `json:"seq"`
	Ack  bool   `json:"ack"`
	OK   bool   `json:"ok"`
	Code string `json:"code,omitempty"`
	N    int    `json:"n,omitempty"`
	ID   any    `json:"id,omitempty"`
}

const crashChildEnv = "RELSTORE_CRASH_CHILD_DIR"

// crashState is the parent's model: model → id (JSON text) → record.
type crashState map[string]map[string]map[string]any

func (s crashState) clone() crashState {
	out := crashState{}
	for m, recs := range s {
		out[m] = map[string]map[string]any{}
		for id, r := range recs {
			c := map[string]any{}
			for k, v := range r {
				c[k] = v
			}
			out[m][id] = c
		}
	}
	return out
}

func idKey(v any) string { return jsonText(v) }

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash recovery starts processes; skipped with -short")
	}
	cycles := envInt(t, "RELSTORE_CRASH_CYCLES", 20)
	seed := testSeed(t)
	rng := rand.New(rand.NewSource(seed))
	dir := os.Getenv("RELSTORE_CRASH_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("RELSTORE_CRASH_DIR=%s must be empty or absent: the test models the store from its creation", dir)
	}
	// Create the store and its models.
	{
		st, err := storage.OpenPebble(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		db, err := engine.Open(st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Define(loadSet(t, crashModels...)); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	model := crashState{"Author": {}, "Book": {}, "Review": {}}
	start := time.Now()
	var stats struct {
		acked, refused, inFlightCommitted, inFlightNot, killedBeforeAck int
	}
	for cycle := 0; cycle < cycles; cycle++ {
		childSeed := seed + int64(cycle) + 1
		lines := runCrashChild(t, dir, childSeed, rng)
		ops, acks, pending := parseCrashLines(t, cycle, lines)
		if len(ops) == 0 {
			stats.killedBeforeAck++
		}
		for _, op := range ops {
			ack := acks[op.Seq]
			ok, n := applyCrashOp(model, op, ack.ID)
			if ack.OK != ok {
				t.Fatalf("cycle %d: op %d %s %s: child got ok=%v (%s), the model predicts ok=%v",
					cycle, op.Seq, op.Op, jsonText(op.Args), ack.OK, ack.Code, ok)
			}
			if ok && n >= 0 && ack.N != n {
				t.Fatalf("cycle %d: op %d %s %s: child counted %d, the model %d", cycle, op.Seq, op.Op, jsonText(op.Args), ack.N, n)
			}
			if ack.OK {
				stats.acked++
			} else {
				stats.refused++
			}
		}
		// Reopen and compare.
		switch verifyCrashCycle(t, cycle, dir, &model, pending) {
		case "committed":
			stats.inFlightCommitted++
		case "not committed":
			stats.inFlightNot++
		}
	}
	// Every randomized test ends with a Check of the final store.
	st, err := storage.OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, st, nil)
	mustCheck(t, db)
	n := len(model["Author"]) + len(model["Book"]) + len(model["Review"])
	t.Logf("crash recovery: %d cycles, %d acknowledged writes verified, %d refusals predicted; operation in flight at the kill: %d committed, %d not; %d children killed before their first acknowledgement; %d records at the end; %v",
		cycles, stats.acked, stats.refused, stats.inFlightCommitted, stats.inFlightNot, stats.killedBeforeAck, n, time.Since(start).Round(time.Millisecond))
}

// verifyCrashCycle reopens the store after a kill and compares it with the
// model, adopting the operation in flight when it committed. It returns
// "committed", "not committed" or "" (nothing in flight).
func verifyCrashCycle(t *testing.T, cycle int, dir string, model *crashState, pending *crashOp) string {
	t.Helper()
	st, err := storage.OpenPebble(dir, nil)
	if err != nil {
		t.Fatalf("cycle %d: reopen: %v", cycle, err)
	}
	db, err := engine.Open(st, nil)
	if err != nil {
		st.Close()
		t.Fatalf("cycle %d: open: %v", cycle, err)
	}
	defer db.Close()
	rep, err := db.Check(bg)
	if err != nil || !rep.OK() {
		t.Fatalf("cycle %d: check after the crash: %v %v", cycle, rep, err)
	}
	got := readCrashState(t, db)
	want := normState(*model)
	switch {
	case reflect.DeepEqual(got, want):
		if pending != nil {
			return "not committed"
		}
		return ""
	case pending != nil:
		// The operation in flight committed: a generated id is the one
		// review of the store the model does not know.
		var newID any
		for id, r := range got["Review"] {
			if _, known := want["Review"][id]; !known {
				newID = r.(map[string]any)["id"]
			}
		}
		with := model.clone()
		applyCrashOp(with, *pending, newID)
		if !reflect.DeepEqual(got, normState(with)) {
			t.Fatalf("cycle %d: the store matches neither the acknowledged writes nor them plus the operation in flight (%s %s):\n%s",
				cycle, pending.Op, jsonText(pending.Args), diffStates(want, got))
		}
		*model = with
		return "committed"
	}
	t.Fatalf("cycle %d: the store differs from the acknowledged writes (nothing in flight):\n%s", cycle, diffStates(want, got))
	return ""
}

// runCrashChild starts the child, kills it after a random delay and
// returns the complete lines it printed.
func runCrashChild(t *testing.T, dir string, seed int64, rng *rand.Rand) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "RELSTORE_CRASH_CHILD_SEED="+strconv.FormatInt(seed, 10))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		lines []string
		first = make(chan struct{})
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
			once.Do(func() { close(first) })
		}
	}()
	// A few kills land anywhere, even while the store opens; most land
	// while the child writes.
	if rng.Intn(8) == 0 {
		time.Sleep(time.Duration(rng.Intn(150)) * time.Millisecond)
	} else {
		select {
		case <-first:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the crash child printed nothing in 20s; stderr:\n%s", stderr.String())
		}
		time.Sleep(time.Duration(rng.Intn(120)) * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	<-done
	werr := cmd.Wait()
	if ee, ok := werr.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
		// The child must not exit by itself: it writes until killed.
		t.Fatalf("crash child ended before the kill (%v); stderr:\n%s", werr, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return lines
}

// parseCrashLines pairs intents with acknowledgements; the last intent
// without one is the operation in flight.
func parseCrashLines(t *testing.T, cycle int, lines []string) (ops []crashOp, acks map[int]crashAck, pending *crashOp) {
	t.Helper()
	acks = map[int]crashAck{}
	var open *crashOp
	for _, line := range lines {
		if !strings.HasPrefix(line, "{") {
			continue // test framework output
		}
		var probe struct {
			Ack bool `json:"ack"`
		}
		if err := json.Unmarshal([]byte(line), &probe); err != nil {
			t.Fatalf("cycle %d: bad line from the child: %q", cycle, line)
		}
		if probe.Ack {
			var a crashAck
			if err := json.Unmarshal([]byte(line), &a); err != nil {
				t.Fatal(err)
			}
			if open == nil || open.Seq != a.Seq {
				t.Fatalf("cycle %d: acknowledgement %d without its intent", cycle, a.Seq)
			}
			acks[a.Seq] = a
			ops = append(ops, *open)
			open = nil
			continue
		}
		var op crashOp
		if err := json.Unmarshal([]byte(line), &op); err != nil {
			t.Fatal(err)
		}
		if open != nil {
			t.Fatalf("cycle %d: intent %d before the acknowledgement of %d", cycle, op.Seq, open.Seq)
		}
		open = &op
	}
	return ops, acks, open
}

// applyCrashOp applies op to the model as the engine must, returning
// whether it succeeds and its count (-1: none). reviewID is the generated
// id of a created Review (from the acknowledgement, or from the store for
// the operation in flight).
func applyCrashOp(s crashState, op crashOp, reviewID any) (bool, int) {
	a := op.Args
	emailTaken := func(email any, except string) bool {
		if email == nil {
			return false
		}
		for id, r := range s["Author"] {
			if id != except && r["email"] == email {
				return true
			}
		}
		return false
	}
	deleteBook := func(id string) {
		bid := s["Book"][id]["id"]
		delete(s["Book"], id)
		for rid, r := range s["Review"] {
			if r["bookId"] == bid {
				delete(s["Review"], rid)
			}
		}
	}
	switch op.Op {
	case "createAuthor":
		au := a["author"].(map[string]any)
		if emailTaken(au["email"], "") {
			return false, -1
		}
		s["Author"][idKey(au["id"])] = copyMap(au)
		for _, b := range a["books"].([]any) {
			bm := copyMap(b.(map[string]any))
			bm["authorId"] = au["id"]
			s["Book"][idKey(bm["id"])] = bm
		}
		return true, -1
	case "createBook":
		b := copyMap(a["book"].(map[string]any))
		s["Book"][idKey(b["id"])] = b
		return true, -1
	case "createReview":
		r := copyMap(a["review"].(map[string]any))
		r["id"] = reviewID
		s["Review"][idKey(reviewID)] = r
		return true, -1
	case "patchAuthor":
		id := idKey(a["id"])
		patch := a["patch"].(map[string]any)
		if e, ok := patch["email"]; ok && emailTaken(e, id) {
			return false, -1
		}
		for k, v := range patch {
			s["Author"][id][k] = v
		}
		return true, -1
	case "updateAll":
		n := 0
		for _, b := range s["Book"] {
			if b["authorId"] == a["authorId"] {
				b["pages"] = a["pages"]
				n++
			}
		}
		return true, n
	case "transfer":
		for _, bid := range a["books"].([]any) {
			s["Book"][idKey(bid)]["authorId"] = a["to"]
		}
		s["Author"][idKey(a["to"])]["age"] = a["age"]
		return true, -1
	case "deleteAuthor":
		id := idKey(a["id"])
		aid := s["Author"][id]["id"]
		delete(s["Author"], id)
		for bid, b := range s["Book"] {
			if b["authorId"] == aid {
				deleteBook(bid)
			}
		}
		return true, 1
	case "deleteBook":
		deleteBook(idKey(a["id"]))
		return true, 1
	case "deleteReviews":
		n := 0
		for rid, r := range s["Review"] {
			if st, ok := r["stars"].(float64); ok && st < a["below"].(float64) {
				delete(s["Review"], rid)
				n++
			}
		}
		return true, n
	}
	panic("unknown crash op " + op.Op)
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// normState is the model in the form readCrashState returns.
func normState(s crashState) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, m := range crashModelNames {
		recs := map[string]any{}
		for _, r := range s[m] {
			recs[idKey(r["id"])] = normJSON(r)
		}
		out[m] = recs
	}
	return out
}

// readCrashState reads every record of the store.
func readCrashState(t *testing.T, db *engine.DB) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, m := range crashModelNames {
		recs, err := db.Find(bg, m, nil)
		if err != nil {
			t.Fatalf("read %s: %v", m, err)
		}
		out[m] = map[string]any{}
		for _, r := range recs {
			out[m][idKey(r["id"])] = normJSON(r)
		}
	}
	return out
}

func diffStates(want, got map[string]map[string]any) string {
	var lines []string
	for _, m := range crashModelNames {
		for id, w := range want[m] {
			if g, ok := got[m][id]; !ok {
				lines = append(lines, fmt.Sprintf("  %s %s: missing (want %s)", m, id, jsonText(w)))
			} else if !reflect.DeepEqual(g, w) {
				lines = append(lines, fmt.Sprintf("  %s %s: got %s, want %s", m, id, jsonText(g), jsonText(w)))
			}
		}
		for id, g := range got[m] {
			if _, ok := want[m][id]; !ok {
				lines = append(lines, fmt.Sprintf("  %s %s: unexpected %s", m, id, jsonText(g)))
			}
		}
	}
	sort.Strings(lines)
	if len(lines) > 40 {
		lines = append(lines[:40], fmt.Sprintf("  ... %d more", len(lines)-40))
	}
	return strings.Join(lines, "\n")
}

// TestCrashChild is the writer process of TestCrashRecovery; it does
// nothing unless started by it.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("runs only as the child process of TestCrashRecovery")
	}
	seed, err := strconv.ParseInt(os.Getenv("RELSTORE_CRASH_CHILD_SEED"), 10, 64)
	if err != nil {
		crashChildFail("bad seed: %v", err)
	}
	rng := rand.New(rand.NewSource(seed))
	// Durable commits. RELSTORE_CRASH_NOSYNC=1 turns them off, to see the
	// test fail: it must detect the acknowledged writes that are lost.
	noSync := os.Getenv("RELSTORE_CRASH_NOSYNC") == "1"
	st, err := storage.OpenPebble(dir, &storage.PebbleOptions{NoSync: noSync})
	if err != nil {
		crashChildFail("open store: %v", err)
	}
	db, err := engine.Open(st, &engine.Options{NoSync: noSync})
	if err != nil {
		crashChildFail("open db: %v", err)
	}
	if err := db.Define(loadSet(t, crashModels...)); err != nil {
		crashChildFail("define: %v", err)
	}
	c := &crashChild{db: db, rng: rng, authors: map[float64]any{}, books: map[float64]float64{}, reviews: map[float64][2]float64{}}
	c.load()
	for seq := 1; ; seq++ {
		op := c.choose(seq)
		c.emit(op)
		ack := c.run(op)
		c.emit(ack)
	}
}

func crashChildFail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "crash child: "+format+"\n", args...)
	os.Exit(3)
}

// crashChild tracks what the store holds, to choose valid operations.
type crashChild struct {
	db                   *engine.DB
	rng                  *rand.Rand
	authors              map[float64]any        // id → email (nil: none)
	books                map[float64]float64    // id → authorId
	reviews              map[float64][2]float64 // id → bookId, stars
	nextAuthor, nextBook float64
}

func (c *crashChild) load() {
	read := func(model string) []map[string]any {
		recs, err := c.db.Find(bg, model, nil)
		if err != nil {
			crashChildFail("read %s: %v", model, err)
		}
		return recs
	}
	for _, r := range read("Author") {
		id := r["id"].(float64)
		c.authors[id] = r["email"]
		c.nextAuthor = max(c.nextAuthor, id)
	}
	for _, r := range read("Book") {
		id := r["id"].(float64)
		c.books[id] = r["authorId"].(float64)
		c.nextBook = max(c.nextBook, id)
	}
	for _, r := range read("Review") {
		c.reviews[r["id"].(float64)] = [2]float64{r["bookId"].(float64), r["stars"].(float64)}
	}
}

func (c *crashChild) emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		crashChildFail("marshal: %v", err)
	}
	if len(b) >= 4000 {
		crashChildFail("line of %d bytes exceeds PIPE_BUF", len(b))
	}
	if _, err := os.Stdout.Write(append(b, '\n')); err != nil {
		crashChildFail("write: %v", err)
	}
}

func randomKey[V any](rng *rand.Rand, m map[float64]V) float64 {
	keys := make([]float64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Float64s(keys)
	return keys[rng.Intn(len(keys))]
}

// email picks a fresh email, often one already taken (which the unique
// index must refuse), sometimes none.
func (c *crashChild) email(id float64) any {
	switch r := c.rng.Intn(20); {
	case r < 3:
		var taken []any
		for _, e := range c.authors {
			if e != nil {
				taken = append(taken, e)
			}
		}
		sort.Slice(taken, func(i, j int) bool { return taken[i].(string) < taken[j].(string) })
		if len(taken) > 0 {
			return taken[c.rng.Intn(len(taken))]
		}
	case r < 5:
		return nil
	}
	return fmt.Sprintf("a%d.%d@example.com", int(id), c.rng.Intn(1000))
}

func (c *crashChild) choose(seq int) crashOp {
	nA, nB, nR := len(c.authors), len(c.books), len(c.reviews)
	type choice struct {
		op string
		w  float64
	}
	w := func(cond bool, x float64) float64 {
		if cond {
			return x
		}
		return 0
	}
	choices := []choice{
		{"createAuthor", w(nA < 60, 3) + 0.3},
		{"createBook", w(nA > 0 && nB < 200, 3)},
		{"createReview", w(nB > 0 && nR < 300, 3)},
		{"patchAuthor", w(nA > 0, 2)},
		{"updateAll", w(nA > 0, 1)},
		{"transfer", w(nA > 1 && nB > 0, 1)},
		{"deleteAuthor", w(nA > 0, 1) + w(nA > 40, 2)},
		{"deleteBook", w(nB > 0, 1) + w(nB > 150, 2)},
		{"deleteReviews", w(nR > 0, 0.3) + w(nR > 200, 2)},
	}
	total := 0.0
	for _, ch := range choices {
		total += ch.w
	}
	x := c.rng.Float64() * total
	name := choices[0].op
	for _, ch := range choices {
		if x < ch.w {
			name = ch.op
			break
		}
		x -= ch.w
	}
	op := crashOp{Seq: seq, Op: name, Args: map[string]any{}}
	switch name {
	case "createAuthor":
		c.nextAuthor++
		id := c.nextAuthor
		au := map[string]any{"id": id, "name": fmt.Sprintf("author %d", int(id)), "age": float64(20 + c.rng.Intn(60))}
		if e := c.email(id); e != nil {
			au["email"] = e
		}
		var books []any
		for i := c.rng.Intn(4); i > 0; i-- {
			c.nextBook++
			books = append(books, map[string]any{"id": c.nextBook, "title": fmt.Sprintf("book %d", int(c.nextBook)), "pages": float64(c.rng.Intn(900))})
		}
		op.Args["author"], op.Args["books"] = au, append([]any{}, books...)
	case "createBook":
		c.nextBook++
		op.Args["book"] = map[string]any{"id": c.nextBook, "title": fmt.Sprintf("book %d", int(c.nextBook)),
			"pages": float64(c.rng.Intn(900)), "authorId": randomKey(c.rng, c.authors)}
	case "createReview":
		op.Args["review"] = map[string]any{"bookId": randomKey(c.rng, c.books), "stars": float64(c.rng.Intn(6))}
	case "patchAuthor":
		id := randomKey(c.rng, c.authors)
		patch := map[string]any{"age": float64(c.rng.Intn(100))}
		if c.rng.Intn(2) == 0 {
			patch["email"] = c.email(id)
		}
		op.Args["id"], op.Args["patch"] = id, patch
	case "updateAll":
		op.Args["authorId"], op.Args["pages"] = randomKey(c.rng, c.authors), float64(c.rng.Intn(900))
	case "transfer":
		bid := randomKey(c.rng, c.books)
		from := c.books[bid]
		var moved []any
		for id, a := range c.books {
			if a == from && (id == bid || c.rng.Intn(2) == 0) {
				moved = append(moved, id)
			}
		}
		sort.Slice(moved, func(i, j int) bool { return moved[i].(float64) < moved[j].(float64) })
		to := randomKey(c.rng, c.authors)
		op.Args["books"], op.Args["to"], op.Args["age"] = moved, to, float64(c.rng.Intn(100))
	case "deleteAuthor":
		op.Args["id"] = randomKey(c.rng, c.authors)
	case "deleteBook":
		op.Args["id"] = randomKey(c.rng, c.books)
	case "deleteReviews":
		op.Args["below"] = float64(1 + c.rng.Intn(3))
	}
	return op
}

// run executes op with durable commits and updates the tracking.
func (c *crashChild) run(op crashOp) crashAck {
	a := op.Args
	ack := crashAck{Seq: op.Seq, Ack: true}
	var err error
	switch op.Op {
	case "createAuthor":
		au := a["author"].(map[string]any)
		err = c.db.Update(bg, func(tx *engine.Tx) error {
			if _, err := tx.Create("Author", copyMap(au)); err != nil {
				return err
			}
			for _, b := range a["books"].([]any) {
				bm := copyMap(b.(map[string]any))
				bm["authorId"] = au["id"]
				if _, err := tx.Create("Book", bm); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			c.authors[au["id"].(float64)] = au["email"]
			for _, b := range a["books"].([]any) {
				c.books[b.(map[string]any)["id"].(float64)] = au["id"].(float64)
			}
		}
	case "createBook":
		b := a["book"].(map[string]any)
		if _, err = c.db.Create(bg, "Book", copyMap(b)); err == nil {
			c.books[b["id"].(float64)] = b["authorId"].(float64)
		}
	case "createReview":
		r := a["review"].(map[string]any)
		var rec map[string]any
		if rec, err = c.db.Create(bg, "Review", copyMap(r)); err == nil {
			ack.ID = rec["id"]
			c.reviews[rec["id"].(float64)] = [2]float64{r["bookId"].(float64), r["stars"].(float64)}
		}
	case "patchAuthor":
		id := a["id"].(float64)
		patch := a["patch"].(map[string]any)
		if _, err = c.db.PatchByID(bg, "Author", id, copyMap(patch)); err == nil {
			if e, ok := patch["email"]; ok {
				c.authors[id] = e
			}
		}
	case "updateAll":
		ack.N, err = c.db.UpdateAll(bg, "Book", map[string]any{"authorId": a["authorId"]}, map[string]any{"pages": a["pages"]})
	case "transfer":
		err = c.db.Update(bg, func(tx *engine.Tx) error {
			for _, bid := range a["books"].([]any) {
				if _, err := tx.PatchByID("Book", bid, map[string]any{"authorId": a["to"]}); err != nil {
					return err
				}
			}
			_, err := tx.PatchByID("Author", a["to"], map[string]any{"age": a["age"]})
			return err
		})
		if err == nil {
			for _, bid := range a["books"].([]any) {
				c.books[bid.(float64)] = a["to"].(float64)
			}
		}
	case "deleteAuthor":
		id := a["id"].(float64)
		if ack.N, err = c.db.DeleteByID(bg, "Author", id); err == nil {
			delete(c.authors, id)
			for bid, aid := range c.books {
				if aid == id {
					c.dropBook(bid)
				}
			}
		}
	case "deleteBook":
		id := a["id"].(float64)
		if ack.N, err = c.db.DeleteByID(bg, "Book", id); err == nil {
			c.dropBook(id)
		}
	case "deleteReviews":
		below := a["below"].(float64)
		if ack.N, err = c.db.DeleteAll(bg, "Review", map[string]any{"stars": map[string]any{"lt": below}}); err == nil {
			for id, r := range c.reviews {
				if r[1] < below {
					delete(c.reviews, id)
				}
			}
		}
	}
	if err != nil {
		var ee *engine.Error
		if !errors.As(err, &ee) || ee.Code != "UNIQUE_VIOLATION" {
			crashChildFail("op %d %s %s: unexpected error %v", op.Seq, op.Op, jsonText(a), err)
		}
		ack.Code = ee.Code
		return ack
	}
	ack.OK = true
	return ack
}

func (c *crashChild) dropBook(id float64) {
	delete(c.books, id)
	for rid, r := range c.reviews {
		if r[0] == id {
			delete(c.reviews, rid)
		}
	}
}
