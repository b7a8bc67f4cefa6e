package server

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/schema"
)

// Defaults of Options.
const (
	// DefaultAPIRoot is where the REST API is mounted, as in an
	// lb-scaffolded LB3 app.
	DefaultAPIRoot = "/api"
	// DefaultMaxBodyBytes is the largest request body accepted: LB3's
	// body-parser limit "100kb".
	DefaultMaxBodyBytes = 100 << 10
)

// Paths served outside the API root.
const (
	healthPath  = "/healthz"
	explainPath = "/_relstore/explain/"
)

// Options configures the REST server. The zero value works: API at /api,
// no authentication, writes allowed, no page-size cap, 100 kB bodies, no
// CORS, no request deadline, logs to slog.Default().
type Options struct {
	// APIRoot is the path the API is mounted at (default "/api").
	APIRoot string
	// Token, when set, is required on every request to the API and to the
	// explain and backup endpoints, as "Authorization: Bearer TOKEN" or
	// (for EventSource clients, which cannot set headers)
	// "?access_token=TOKEN". A missing or wrong token is a 401
	// AUTHORIZATION_REQUIRED. /healthz and /openapi.json stay open.
	Token string
	// ReadOnly refuses every route that writes with a 403 READ_ONLY.
	ReadOnly bool
	// MaxLimit, when positive, caps the rows one find returns: a filter
	// without a limit, or with a larger one, gets MaxLimit.
	MaxLimit int
	// MaxBodyBytes is the largest request body accepted (default
	// DefaultMaxBodyBytes); a larger one is a 413.
	MaxBodyBytes int64
	// CORSOrigin, when set, is sent as Access-Control-Allow-Origin ("*" or
	// an origin) and preflight OPTIONS requests are answered.
	CORSOrigin string
	// RequestTimeout, when positive, is the deadline of each request
	// (change streams excepted); a request over it is a 503.
	RequestTimeout time.Duration
	// Logger receives one line per request and every 5xx with its cause
	// (default slog.Default()).
	Logger *slog.Logger
	// Shutdown, when closed, ends every open change stream, so that
	// http.Server.Shutdown can complete. Nil: streams end only when their
	// client goes away.
	Shutdown <-chan struct{}
	// BackupDir, when set, enables POST /_relstore/backup: a checkpoint of
	// the store written into a new subdirectory of BackupDir named by the
	// request (the storage must support checkpoints, as storage.Pebble
	// does). Empty: the endpoint answers 404 BACKUP_DISABLED.
	BackupDir string
}

// server is the http.Handler New returns.
type server struct {
	db       *engine.DB
	opts     Options
	root     string
	log      *slog.Logger
	shutdown <-chan struct{}

	mu     sync.Mutex
	router *router // routes of the schema it was built from
	// doc is the OpenAPI document of docRouter.
	doc       map[string]any
	docRouter *router
	// backupMu serializes backups.
	backupMu sync.Mutex
}

// New returns LoopBack 3's REST API over db, mounted at opts.APIRoot, plus
// GET /healthz, GET /openapi.json (see OpenAPI), POST /_relstore/backup
// (see Options.BackupDir) and GET /_relstore/explain/{Model}?filter=. Every model of
// db.Schema() that is persisted and not public: false is exposed at its
// http.path or plural; models defined later are picked up on their first
// request. opts may be nil. A panic in a handler is answered with a 500 in
// LB3's shape and logged with its stack.
func New(db *engine.DB, opts *Options) http.Handler {
	s := &server{db: db}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.MaxBodyBytes <= 0 {
		s.opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	s.root = strings.TrimRight(s.opts.APIRoot, "/")
	if s.opts.APIRoot == "" {
		s.root = DefaultAPIRoot
	}
	if s.root != "" && !strings.HasPrefix(s.root, "/") {
		s.root = "/" + s.root
	}
	s.log = s.opts.Logger
	if s.log == nil {
		s.log = slog.Default()
	}
	s.shutdown = s.opts.Shutdown
	return s
}

// routes returns the router of the DB's current schema.
func (s *server) routes() *router {
	set := s.db.Schema()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.router == nil || s.router.set != set {
		s.router = newRouter(set)
	}
	return s.router
}

// ServeHTTP answers one request: recovery, logging, CORS, authentication,
// then the health check, the OpenAPI document, the backup and explain
// endpoints or the API.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &responseRecorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
				"panic", v, "stack", string(debug.Stack()))
			if !rw.wroteHeader {
				writeJSON(rw, r, http.StatusInternalServerError,
					(&httpError{Status: http.StatusInternalServerError}).body())
			}
		}
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rw.status,
			"bytes", rw.bytes, "duration", time.Since(start))
	}()
	s.serve(rw, r)
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	if s.opts.CORSOrigin != "" {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", s.opts.CORSOrigin)
		if s.opts.CORSOrigin != "*" {
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	path := r.URL.Path
	switch {
	case path == healthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		writeJSON(w, r, http.StatusOK, map[string]any{"status": "ok"})
		return
	case path == openAPIPath:
		s.serveOpenAPI(w, r)
		return
	case path == backupPath:
		if !s.authorized(r) {
			s.writeError(w, r, errUnauthorized())
			return
		}
		s.serveBackup(w, r)
		return
	case strings.HasPrefix(path, explainPath):
		if !s.authorized(r) {
			s.writeError(w, r, errUnauthorized())
			return
		}
		s.serveExplain(w, r, strings.TrimPrefix(path, explainPath))
		return
	case path == s.root || strings.HasPrefix(path, s.root+"/"):
		if !s.authorized(r) {
			s.writeError(w, r, errUnauthorized())
			return
		}
		s.serveAPI(w, r)
		return
	}
	s.writeError(w, r, newError(http.StatusNotFound, "", "Cannot %s %s", r.Method, path))
}

// authorized checks the bearer token (or access_token parameter) when
// Options.Token is set.
func (s *server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	got := ""
	if a := r.Header.Get("Authorization"); a != "" {
		if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
			got = strings.TrimSpace(a[7:])
		}
	} else if q, err := filter.ParseQuery(r.URL.RawQuery); err == nil {
		got, _ = q["access_token"].(string)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) == 1
}

func errUnauthorized() *httpError {
	return newError(http.StatusUnauthorized, codeAuthRequired, "Authorization Required")
}

// serveAPI dispatches a request below the API root to its remote method.
func (s *server) serveAPI(w http.ResponseWriter, r *http.Request) {
	escaped := strings.TrimPrefix(r.URL.EscapedPath(), s.root)
	segs, err := pathSegments(escaped)
	if err != nil {
		s.writeError(w, r, newError(http.StatusBadRequest, "", "malformed path: %v", err))
		return
	}
	target := escaped
	if target == "" {
		target = "/"
	}
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	m := s.routes().lookup(r.Method, segs)
	if m.model == nil {
		s.writeError(w, r, newError(http.StatusNotFound, "", "There is no method to handle %s %s", r.Method, target))
		return
	}
	if m.route == nil {
		rest := "/" + strings.Join(escapedTail(escaped, len(m.model.path)), "/")
		if r.URL.RawQuery != "" {
			rest += "?" + r.URL.RawQuery
		}
		s.writeError(w, r, newError(http.StatusNotFound, "",
			"Shared class %q has no method handling %s %s", m.model.model.Name, r.Method, rest))
		return
	}
	if m.route.write && s.opts.ReadOnly {
		s.writeError(w, r, newError(http.StatusForbidden, codeReadOnly, "The server is read-only: %s %s is refused", r.Method, target))
		return
	}
	query, err := filter.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	if s.opts.RequestTimeout > 0 && !m.route.stream {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.RequestTimeout)
		defer cancel()
	}
	c := &call{ctx: ctx, srv: s, db: s.db, w: w, r: r, model: m.model.model, route: m.route,
		id: m.id, fk: m.fk, nk: m.nk, query: query}
	rep, err := m.route.handler(c)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeReply(w, r, rep)
}

// writeReply writes a handler's reply.
func (s *server) writeReply(w http.ResponseWriter, r *http.Request, rep *reply) {
	switch {
	case rep == nil:
		writeJSON(w, r, http.StatusOK, nil)
	case rep.written:
	case rep.noBody:
		w.WriteHeader(rep.status)
	default:
		writeJSON(w, r, rep.status, rep.body)
	}
}

// writeError answers err in LB3's error shape (errorFor decides the
// status) and logs server-side failures with their cause.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := errorFor(err)
	if e.Status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", e.Status, "error", err)
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	writeJSON(w, r, e.Status, e.body())
}

// serveExplain is GET /_relstore/explain/{Model}?filter=: the engine's
// query plan for a find (name or REST path of the model).
func (s *server) serveExplain(w http.ResponseWriter, r *http.Request, name string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writeError(w, r, newError(http.StatusNotFound, "", "Cannot %s %s", r.Method, r.URL.Path))
		return
	}
	m := s.explainModel(strings.Trim(name, "/"))
	if m == nil {
		s.writeError(w, r, newError(http.StatusNotFound, codeModelNotFound, "Unknown model %q", name))
		return
	}
	query, err := filter.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c := &call{srv: s, query: query}
	f, err := c.findFilter()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	plan, err := s.db.Explain(m.Name, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"model": m.Name, "filter": f, "plan": plan.String()})
}

// explainModel finds an exposed model by name or REST path.
func (s *server) explainModel(name string) *schema.Model {
	set := s.db.Schema()
	if m := set.Model(name); exposed(m) {
		return m
	}
	if mr := s.routes().modelFor(splitPath(name)); mr != nil && len(mr.path) == len(splitPath(name)) {
		return mr.model
	}
	return nil
}

// pathSegments splits an escaped path below the API root into decoded
// segments; a trailing slash is ignored, as Express does.
func pathSegments(escaped string) ([]string, error) {
	p := strings.TrimPrefix(escaped, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil, nil
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		d, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		parts[i] = d
	}
	return parts, nil
}

// escapedTail returns the escaped segments of a path after the first n.
func escapedTail(escaped string, n int) []string {
	p := strings.TrimPrefix(escaped, "/")
	parts := strings.Split(p, "/")
	if n > len(parts) {
		return nil
	}
	return parts[n:]
}

// responseRecorder remembers the status and size of a response for the
// request log and the panic handler.
type responseRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int
	wroteHeader bool
}

func (rw *responseRecorder) WriteHeader(code int) {
	if !rw.wroteHeader {
		rw.status = code
		rw.wroteHeader = true
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *responseRecorder) Write(b []byte) (int, error) {
	if !rw.wroteHeader {
		rw.WriteHeader(http.StatusOK)
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += n
	return n, err
}

// Flush passes flushes through (change streams).
func (rw *responseRecorder) Flush() {
	if f, ok := rw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rw *responseRecorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
