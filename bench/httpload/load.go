package httpload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

// Defaults of WORKLOAD.md's HTTP rules.
const (
	DefaultMaxStream  = 10000           // requests per (op, conc) for Q1/Q2
	DefaultMaxCall    = 500             // requests per (op, conc) for Q3/Q4
	DefaultWindow     = 8 * time.Second // no new request after this
	DefaultPreflight  = 20              // untimed stream requests for Q1/Q2
	DefaultReqTimeout = 30 * time.Second
	// DefaultSystem is the system key of the lines when none is given.
	DefaultSystem = "relstore-memory-http"
)

// DefaultConcs are the concurrencies every op runs at.
var DefaultConcs = []int{1, 16}

// maxConns is the connection pool size of the client: the highest
// concurrency of the rules.
const maxConns = 16

// Config configures Run. Zero fields take the defaults above.
type Config struct {
	// Base is the server's base URL (scheme, loopback host, port); request
	// paths start with /api.
	Base string
	// System is the system key of the output lines.
	System string
	// Ops to run (default Ops) and concurrencies (default DefaultConcs).
	Ops   []workload.Op
	Concs []int
	// MaxStream and MaxCall bound the requests of one (op, conc) for Q1/Q2
	// and for Q3/Q4; Window is when no new request starts.
	MaxStream, MaxCall int
	Window             time.Duration
	// Preflight is the number of untimed, checked stream requests.
	Preflight int
	// ReqTimeout bounds each request.
	ReqTimeout time.Duration
	// Round is copied into the lines (0: none).
	Round int
}

func (c *Config) defaults() {
	if c.System == "" {
		c.System = DefaultSystem
	}
	if len(c.Ops) == 0 {
		c.Ops = Ops
	}
	if len(c.Concs) == 0 {
		c.Concs = DefaultConcs
	}
	if c.MaxStream <= 0 {
		c.MaxStream = DefaultMaxStream
	}
	if c.MaxCall <= 0 {
		c.MaxCall = DefaultMaxCall
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.Preflight <= 0 {
		c.Preflight = DefaultPreflight
	}
	if c.ReqTimeout <= 0 {
		c.ReqTimeout = DefaultReqTimeout
	}
}

// NewClient returns the generator's HTTP client: keep-alive, no
// compression, no proxy, no redirects, a pool of maxConns connections,
// dialing loopback addresses only, each request bounded by timeout.
func NewClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, ControlContext: loopbackOnly}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         d.DialContext,
			DisableCompression:  true,
			MaxIdleConns:        maxConns,
			MaxIdleConnsPerHost: maxConns,
			MaxConnsPerHost:     maxConns,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   false,
		},
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("httpload: redirects are not followed")
		},
	}
}

// Run runs every (op, conc) of cfg against cfg.Base for the workload d (the
// data the server loaded) and calls emit with one line each, in order.
// A failed preflight or failed requests give a line with CheckOK false and
// a note; Run's error is for a bad configuration or a cancelled ctx.
func Run(ctx context.Context, d *workload.Data, cfg Config, emit func(workload.Line)) error {
	cfg.defaults()
	base, err := ParseBase(cfg.Base)
	if err != nil {
		return err
	}
	root := strings.TrimRight(base.String(), "/")
	client := NewClient(cfg.ReqTimeout)
	defer client.CloseIdleConnections()
	for _, op := range cfg.Ops {
		max := cfg.MaxCall
		if op.IsStream() {
			max = cfg.MaxStream
		}
		paths, err := requests(d, op, max)
		if err != nil {
			return err
		}
		for _, conc := range cfg.Concs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if conc < 1 {
				return fmt.Errorf("httpload: concurrency %d", conc)
			}
			emit(runOne(ctx, client, root, d, cfg, op, conc, paths))
		}
	}
	return nil
}

// runOne is one (op, conc): the preflight, then the timed closed loop.
func runOne(ctx context.Context, client *http.Client, root string, d *workload.Data, cfg Config,
	op workload.Op, conc int, paths []string) workload.Line {
	l := workload.Line{System: cfg.System, Op: op, Variant: "http", Primary: true, Conc: conc,
		Scale: d.Scale, Seed: d.Seed, Round: cfg.Round}
	if op.IsStream() {
		l.Planned = len(paths)
	}
	want, got, sizes, err := preflight(ctx, client, root, d, cfg, op, paths)
	l.Expect, l.Records, l.IDSum = &want, got.Records, got.IDSum
	if err != nil {
		l.Note = "preflight: " + err.Error()
		return l
	}
	if got != want {
		l.Note = fmt.Sprintf("preflight returned %v, want %v", got, want)
		return l
	}
	res := closedLoop(ctx, client, root, paths, conc, cfg.Window)
	l.N = len(res.lat)
	l.Bytes = res.bytes
	l.Seconds = res.elapsed.Seconds()
	if l.N > 0 {
		l.PerOpUS = l.Seconds / float64(l.N) * 1e6
		if l.Seconds > 0 {
			l.OpsPerS = float64(l.N) / l.Seconds
		}
		slices.Sort(res.lat)
		l.P50US = percentile(res.lat, 0.50)
		l.P99US = percentile(res.lat, 0.99)
	}
	// Q3/Q4 repeat one request: every body must have the preflight's size.
	if !op.IsStream() && l.N > 0 && res.bytes != int64(l.N)*sizes[0] {
		res.failed++
		res.firstErr = cmpErr(res.firstErr, fmt.Errorf("%d bytes over %d responses, want %d each", res.bytes, l.N, sizes[0]))
	}
	switch {
	case res.failed > 0:
		l.Note = fmt.Sprintf("%d of %d requests failed, first: %v", res.failed, l.N, res.firstErr)
	case l.N == 0:
		l.Note = "no request completed"
	default:
		l.CheckOK = true
		l.Note = fmt.Sprintf("records/idsum from the untimed preflight (%d requests)", preflightCount(cfg, op, paths))
	}
	return l
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// preflightCount is the number of preflight requests of op.
func preflightCount(cfg Config, op workload.Op, paths []string) int {
	if op.IsStream() {
		return min(cfg.Preflight, len(paths))
	}
	return min(1, len(paths))
}

// preflight sends op's first preflight requests untimed, decodes them fully
// and returns the expected and the returned tallies and the body sizes.
func preflight(ctx context.Context, client *http.Client, root string, d *workload.Data, cfg Config,
	op workload.Op, paths []string) (want, got workload.Tally, sizes []int64, err error) {
	n := preflightCount(cfg, op, paths)
	if n == 0 {
		return want, got, nil, errors.New("no request to send")
	}
	want = d.Expect(op, n)
	for _, p := range paths[:n] {
		body, err := get(ctx, client, root+p)
		if err != nil {
			return want, got, sizes, err
		}
		t, err := tallyJSON(body)
		if err != nil {
			return want, got, sizes, fmt.Errorf("%s: %w", p, err)
		}
		got = got.Add(t)
		sizes = append(sizes, int64(len(body)))
	}
	return want, got, sizes, nil
}

// get fetches url and returns the body of a 200 response.
func get(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d: %.200s", url, resp.StatusCode, body)
	}
	return body, nil
}

// loopResult is what a closed loop measured.
type loopResult struct {
	lat      []time.Duration // one per completed request
	bytes    int64           // response body bytes
	elapsed  time.Duration   // first request sent to last one finished
	failed   int             // requests with an error or a status other than 200
	firstErr error
}

// closedLoop runs paths in order over conc workers, each sending its next
// request when its previous one finished, until the paths run out or
// window has passed since the start (then in-flight requests finish).
func closedLoop(ctx context.Context, client *http.Client, root string, paths []string, conc int, window time.Duration) loopResult {
	var (
		next int64 = -1
		mu   sync.Mutex
		res  loopResult
		wg   sync.WaitGroup
	)
	reqs := make([]*http.Request, len(paths))
	for i, p := range paths {
		u, err := url.Parse(root + p)
		if err != nil {
			return loopResult{failed: 1, firstErr: err}
		}
		reqs[i] = (&http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}).WithContext(ctx)
	}
	start := time.Now()
	deadline := start.Add(window)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var (
				lat      []time.Duration
				bytes    int64
				failed   int
				firstErr error
			)
			buf := make([]byte, 32<<10)
			for {
				i := atomic.AddInt64(&next, 1)
				if i >= int64(len(reqs)) || time.Now().After(deadline) {
					break
				}
				t0 := time.Now()
				n, err := send(client, reqs[i], buf)
				lat = append(lat, time.Since(t0))
				bytes += n
				if err != nil {
					failed++
					firstErr = cmpErr(firstErr, err)
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.bytes += bytes
			res.failed += failed
			res.firstErr = cmpErr(res.firstErr, firstErr)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// send does one request, reads its body to the end (so the connection is
// reused) and returns the body's size; a status other than 200 is an error.
func send(client *http.Client, req *http.Request, buf []byte) (int64, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{resp.Body}, buf)
	resp.Body.Close()
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("GET %s: status %d", req.URL, resp.StatusCode)
	}
	return n, nil
}

// percentile returns the nearest-rank p-quantile in microseconds of lat,
// which must be sorted.
func percentile(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	k := int(math.Ceil(p*float64(len(lat)))) - 1
	k = max(0, min(k, len(lat)-1))
	return float64(lat[k]) / float64(time.Microsecond)
}
