package server

import (
	"net/http"
	"sort"
	"strings"

	"github.com/relstore/relstore/schema"
)

// Path parameters of route patterns.
const (
	paramID = "{id}" // the model instance id
	paramFK = "{fk}" // the related instance id
	// paramNK is the id of the instance a nestRemoting route goes through:
	// /Customers/{id}/orders/{nk}/items.
	paramNK = "{nk}"
)

// isParam reports whether a route pattern segment is a path parameter.
func isParam(seg string) bool { return seg == paramID || seg == paramFK || seg == paramNK }

// handlerFunc runs one LoopBack remote method.
type handlerFunc func(c *call) (*reply, error)

// route is one REST endpoint of a model: a verb, a pattern of path segments
// below the model's path (literals, or paramID / paramFK) and the remote
// method answering it.
type route struct {
	method string
	segs   []string
	// name is LoopBack's remote method name ("find",
	// "prototype.__get__orders", "__get__youngFolks",
	// "prototype.__get__orders__items"), for logs and operation ids.
	name string
	// op is what the route does, without its relation or scope name: the
	// model method ("find", "create", ...), or for scope and relation routes
	// the part between the underscores ("get", "count", "findById", ...).
	op string
	// write marks routes that change data (refused in read-only mode).
	write bool
	// stream marks the change stream, which has no request deadline.
	stream  bool
	handler handlerFunc
	rel     *schema.Relation // relation routes
	scope   string           // named-scope routes
	// nest is the parent relation of a nestRemoting route (rel is then a
	// relation of nest's target model), nil for other routes.
	nest *schema.Relation
}

// modelRoutes are the routes of one exposed model.
type modelRoutes struct {
	model  *schema.Model
	path   []string // the model's path segments below the API root
	routes []*route
}

// router maps API paths to the remote methods of the exposed models. It is
// built from a schema.Set and immutable afterwards.
type router struct {
	set    *schema.Set
	models []*modelRoutes
}

// exposed reports whether a model is served over REST: persisted models
// that are not marked public: false.
func exposed(m *schema.Model) bool {
	return m != nil && m.Persisted && (m.Public == nil || *m.Public)
}

// modelPath returns the path of a model below the API root: its http.path,
// else its plural.
func modelPath(m *schema.Model) []string {
	p := m.HTTPPath
	if p == "" {
		p = m.Plural
	}
	if p == "" {
		p = m.Name
	}
	return splitPath(strings.Trim(p, "/"))
}

// relationPath returns the path segment of a relation: its http.path, else
// its name.
func relationPath(r *schema.Relation) string {
	if p := strings.Trim(r.HTTPPath, "/"); p != "" {
		return p
	}
	return r.Name
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// newRouter builds the routes of every exposed model of set.
func newRouter(set *schema.Set) *router {
	rt := &router{set: set}
	if set == nil {
		return rt
	}
	names := append([]string(nil), set.Order...)
	if len(names) != len(set.Models) {
		names = names[:0]
		for n := range set.Models {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	for _, name := range names {
		m := set.Model(name)
		if !exposed(m) {
			continue
		}
		rt.models = append(rt.models, &modelRoutes{model: m, path: modelPath(m), routes: modelRouteTable(set, m)})
	}
	return rt
}

// modelRouteTable lists the REST routes of one model, as LoopBack 3's
// PersistedModel.setupRemoting, scopeRemoting and the relation remoting
// define them (with replaceOnPUT: PUT is replace, PATCH is patch).
func modelRouteTable(set *schema.Set, m *schema.Model) []*route {
	rs := []*route{
		{method: http.MethodPost, segs: nil, name: "create", write: true, handler: handleCreate},
		{method: http.MethodPatch, segs: nil, name: "patchOrCreate", write: true, handler: handlePatchOrCreate},
		{method: http.MethodPut, segs: nil, name: "replaceOrCreate", write: true, handler: handleReplaceOrCreate},
		{method: http.MethodPost, segs: []string{"replaceOrCreate"}, name: "replaceOrCreate", write: true, handler: handleReplaceOrCreate},
		{method: http.MethodPost, segs: []string{"upsertWithWhere"}, name: "upsertWithWhere", write: true, handler: handleUpsertWithWhere},
		{method: http.MethodGet, segs: []string{paramID, "exists"}, name: "exists", handler: handleExists},
		{method: http.MethodHead, segs: []string{paramID}, name: "exists", handler: handleHead},
		{method: http.MethodGet, segs: []string{paramID}, name: "findById", handler: handleFindByID},
		{method: http.MethodPut, segs: []string{paramID}, name: "replaceById", write: true, handler: handleReplaceByID},
		{method: http.MethodPost, segs: []string{paramID, "replace"}, name: "replaceById", write: true, handler: handleReplaceByID},
		{method: http.MethodGet, segs: nil, name: "find", handler: handleFind},
		{method: http.MethodGet, segs: []string{"findOne"}, name: "findOne", handler: handleFindOne},
		{method: http.MethodPost, segs: []string{"update"}, name: "updateAll", write: true, handler: handleUpdateAll},
		{method: http.MethodDelete, segs: []string{paramID}, name: "deleteById", write: true, handler: handleDeleteByID},
		{method: http.MethodGet, segs: []string{"count"}, name: "count", handler: handleCount},
		{method: http.MethodPatch, segs: []string{paramID}, name: "prototype.patchAttributes", write: true, handler: handlePatchAttributes},
		{method: http.MethodGet, segs: []string{"change-stream"}, name: "createChangeStream", stream: true, handler: handleChangeStream},
		{method: http.MethodPost, segs: []string{"change-stream"}, name: "createChangeStream", stream: true, handler: handleChangeStream},
	}
	for _, r := range rs {
		r.op = strings.TrimPrefix(r.name, "prototype.")
	}
	rs = append(rs, scopeRoutes(m)...)
	for _, rel := range m.Relations {
		if !routable(set, rel) {
			continue
		}
		rs = append(rs, relationRoutes(rel)...)
	}
	for _, rel := range m.Relations {
		if rel.NestRemoting && routable(set, rel) {
			rs = append(rs, nestedRoutes(set, rel)...)
		}
	}
	return rs
}

// routable reports whether a relation has routes: a relation to a model
// that is not defined has none.
func routable(set *schema.Set, rel *schema.Relation) bool {
	return set.Model(rel.Model) != nil || rel.Polymorphic != nil
}

// scopeRoutes are the routes of the named scopes of m: GET, POST and DELETE
// /{scope} and GET /{scope}/count.
func scopeRoutes(m *schema.Model) []*route {
	names := make([]string, 0, len(m.Scopes))
	for n := range m.Scopes {
		names = append(names, n)
	}
	sort.Strings(names)
	var rs []*route
	for _, n := range names {
		rs = append(rs,
			&route{method: http.MethodGet, segs: []string{n}, name: "__get__" + n, op: "get", scope: n, handler: handleScopeFind},
			&route{method: http.MethodPost, segs: []string{n}, name: "__create__" + n, op: "create", scope: n, write: true, handler: handleScopeCreate},
			&route{method: http.MethodDelete, segs: []string{n}, name: "__delete__" + n, op: "delete", scope: n, write: true, handler: handleScopeDelete},
			&route{method: http.MethodGet, segs: []string{n, "count"}, name: "__count__" + n, op: "count", scope: n, handler: handleScopeCount},
		)
	}
	return rs
}

// relationRoutes are the instance routes of one relation, per kind (LB3's
// belongsToRemoting, hasOneRemoting, hasManyRemoting/scopeRemoting):
//
//	belongsTo                   GET /{id}/rel
//	hasOne, embedsOne           GET, POST, PUT, DELETE /{id}/rel
//	hasMany, embedsMany, ...    GET, POST, DELETE /{id}/rel; GET /{id}/rel/count;
//	                            GET, PUT, DELETE /{id}/rel/{fk}
//	through, habtm, refsMany    the above and PUT, DELETE, HEAD /{id}/rel/rel/{fk}
func relationRoutes(rel *schema.Relation) []*route {
	at := func(tail ...string) []string {
		segs := append([]string{paramID}, splitPath(relationPath(rel))...)
		return append(segs, tail...)
	}
	one := at()
	mk := func(method, what string, segs []string, write bool, h handlerFunc) *route {
		return &route{method: method, segs: segs, name: "prototype.__" + what + "__" + rel.Name, op: what, write: write, rel: rel, handler: h}
	}
	switch rel.Type {
	case schema.RelBelongsTo:
		return []*route{mk(http.MethodGet, "get", one, false, handleRelatedGet)}
	case schema.RelHasOne, schema.RelEmbedsOne:
		return []*route{
			mk(http.MethodGet, "get", one, false, handleRelatedGet),
			mk(http.MethodPost, "create", one, true, handleRelatedCreate),
			mk(http.MethodPut, "update", one, true, handleRelatedUpdate),
			mk(http.MethodDelete, "destroy", one, true, handleRelatedDestroy),
		}
	}
	count := at("count")
	byFK := at(paramFK)
	rs := []*route{
		mk(http.MethodGet, "get", one, false, handleRelatedGet),
		mk(http.MethodPost, "create", one, true, handleRelatedCreate),
		mk(http.MethodDelete, "delete", one, true, handleRelatedDeleteAll),
		mk(http.MethodGet, "count", count, false, handleRelatedCount),
		mk(http.MethodGet, "findById", byFK, false, handleRelatedFindByID),
		mk(http.MethodPut, "updateById", byFK, true, handleRelatedUpdateByID),
		mk(http.MethodDelete, "destroyById", byFK, true, handleRelatedDestroyByID),
	}
	if rel.Through != "" || rel.Type == schema.RelHasAndBelongsToMany || rel.Type == schema.RelReferencesMany {
		link := at("rel", paramFK)
		rs = append(rs,
			mk(http.MethodPut, "link", link, true, handleLink),
			mk(http.MethodDelete, "unlink", link, true, handleUnlink),
			mk(http.MethodHead, "exists", link, false, handleLinkExists),
		)
	}
	return rs
}

// nestedRoutes are the routes LB3's Model.nestRemoting adds for a relation
// with options.nestRemoting: every relation route of the target model
// (its "prototype.__<op>__<rel>" methods) under the parent's path,
//
//	to-many parent (hasMany, through, referencesMany)  /{id}/<path>/{nk}/<target route>
//	to-one parent (belongsTo, hasOne)                  /{id}/<path>/<target route>
//
// where <path> is the relation's options.path or its name (not its
// http.path: LB3 ignores it here). As LB3, only target relations whose
// name has no underscore are nested (its method-name pattern
// /^__([^_]+)__([^_]+)$/), one level deep. Embedded and polymorphic
// belongsTo parents have no nested routes.
func nestedRoutes(set *schema.Set, nest *schema.Relation) []*route {
	target := set.Model(nest.Model)
	if target == nil || nest.Type == schema.RelEmbedsOne || nest.Type == schema.RelEmbedsMany ||
		(nest.Type == schema.RelBelongsTo && nest.Polymorphic != nil) {
		return nil
	}
	path := nest.Name
	if p, _ := nest.Options["path"].(string); strings.Trim(p, "/") != "" {
		path = strings.Trim(p, "/")
	}
	prefix := append([]string{paramID}, splitPath(path)...)
	if !toOne(nest) {
		prefix = append(prefix, paramNK)
	}
	var rs []*route
	for _, rel := range target.Relations {
		if !routable(set, rel) || strings.Contains(rel.Name, "_") {
			continue
		}
		for _, r := range relationRoutes(rel) {
			n := *r
			n.segs = append(append([]string(nil), prefix...), r.segs[1:]...) // the target's {id} is resolved
			n.name = "prototype.__" + r.op + "__" + nest.Name + "__" + rel.Name
			n.nest = nest
			n.handler = nested(r.handler)
			rs = append(rs, &n)
		}
	}
	return rs
}

// match is the result of a route lookup.
type match struct {
	model *modelRoutes
	route *route
	id    string // value of paramID
	fk    string // value of paramFK
	nk    string // value of paramNK
	rest  string // the path below the model's path, for "no method" messages
}

// lookup finds the route of method and the (decoded) path segments below
// the API root. Path matching is case-insensitive, as Express's. When no
// model has the path, model is nil; when the model has no such route,
// route is nil. HEAD uses an explicit HEAD route when one matches the
// path, else the GET route.
func (rt *router) lookup(method string, segs []string) match {
	mr := rt.modelFor(segs)
	if mr == nil {
		return match{}
	}
	rest := segs[len(mr.path):]
	mt := match{model: mr}
	best := bestRoute(mr.routes, method, rest)
	if best == nil && method == http.MethodHead {
		best = bestRoute(mr.routes, http.MethodGet, rest)
	}
	if best == nil {
		return mt
	}
	mt.route = best
	for i, s := range best.segs {
		switch s {
		case paramID:
			mt.id = rest[i]
		case paramFK:
			mt.fk = rest[i]
		case paramNK:
			mt.nk = rest[i]
		}
	}
	return mt
}

// modelFor returns the model whose path is the longest prefix of segs
// (an exact-case match wins over a case-insensitive one).
func (rt *router) modelFor(segs []string) *modelRoutes {
	var best *modelRoutes
	bestExact := false
	for _, mr := range rt.models {
		if len(mr.path) == 0 || len(mr.path) > len(segs) {
			continue
		}
		exact, ok := true, true
		for i, p := range mr.path {
			if p != segs[i] {
				exact = false
				if !strings.EqualFold(p, segs[i]) {
					ok = false
					break
				}
			}
		}
		if !ok {
			continue
		}
		if best == nil || len(mr.path) > len(best.path) ||
			(len(mr.path) == len(best.path) && exact && !bestExact) {
			best, bestExact = mr, exact
		}
	}
	return best
}

// bestRoute returns the most specific route of method matching rest:
// literal segments beat parameters, left to right (so /count beats /{id}
// and /{id}/orders/count beats /{id}/orders/{fk}).
func bestRoute(routes []*route, method string, rest []string) *route {
	var best *route
	for _, r := range routes {
		if r.method != method || !r.matches(rest) {
			continue
		}
		if best == nil || moreSpecific(r, best) {
			best = r
		}
	}
	return best
}

func (r *route) matches(rest []string) bool {
	if len(r.segs) != len(rest) {
		return false
	}
	for i, s := range r.segs {
		if isParam(s) {
			if rest[i] == "" {
				return false
			}
			continue
		}
		if !strings.EqualFold(s, rest[i]) {
			return false
		}
	}
	return true
}

func moreSpecific(a, b *route) bool {
	for i := range a.segs {
		al := !isParam(a.segs[i])
		bl := !isParam(b.segs[i])
		if al != bl {
			return al
		}
	}
	return false
}
