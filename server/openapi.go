package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/relstore/relstore/schema"
)

// OpenAPIVersion is the version of the OpenAPI specification the document
// of OpenAPI follows.
const OpenAPIVersion = "3.0.3"

// openAPIPath is where the daemon serves its OpenAPI document, outside the
// API root and without a token.
const openAPIPath = "/openapi.json"

// OpenAPI returns the OpenAPI 3 document of the REST API New serves for set
// with opts (opts may be nil), as a JSON object. It is generated from the
// router's route table, so it lists exactly the routes served: every
// operation of every exposed model, with its path and query parameters,
// request body and responses, plus the paths served outside the API root.
//
// components.schemas holds each model's JSON Schema as LoopBack 4's
// getJsonSchema builds it: "Customer" (title = the model name; properties
// typed string, number, boolean, date as {type: string, format:
// date-time}, object, array with items, nested model types as $ref;
// required; hidden properties left out; additionalProperties false for
// strict models) for responses, "CustomerWithRelations" (plus the
// relations an include can add) for reads, "NewCustomer" (hidden
// properties in, a forced id out) for create bodies and "CustomerPartial"
// (nothing required) for patch bodies.
func OpenAPI(set *schema.Set, opts *Options) (map[string]any, error) {
	s := New(nil, opts).(*server)
	return s.openAPIDocument(newRouter(set))
}

// openAPIDocument builds the OpenAPI document of the routes of rt.
func (s *server) openAPIDocument(rt *router) (map[string]any, error) {
	b := &openAPIBuilder{set: rt.set, paths: map[string]map[string]any{}, schemas: map[string]any{},
		operationIDs: map[string]bool{}}
	for _, mr := range rt.models {
		for _, r := range mr.routes {
			if err := b.addRoute(s.root, mr, r); err != nil {
				return nil, err
			}
		}
	}
	b.addServerPaths(s)
	paths := make(map[string]any, len(b.paths))
	for p, ops := range b.paths {
		paths[p] = ops
	}
	doc := map[string]any{
		"openapi": OpenAPIVersion,
		"info": map[string]any{
			"title":       "relstore",
			"version":     "1.0.0",
			"description": "LoopBack 3's REST API over a relstore database.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas":   b.schemas,
			"responses": map[string]any{"Error": errorResponse()},
			"securitySchemes": map[string]any{
				"bearerAuth":  map[string]any{"type": "http", "scheme": "bearer"},
				"accessToken": map[string]any{"type": "apiKey", "in": "query", "name": "access_token"},
			},
		},
	}
	b.schemas["Error"] = errorSchema()
	if s.opts.Token != "" {
		doc["security"] = []any{
			map[string]any{"bearerAuth": []any{}},
			map[string]any{"accessToken": []any{}},
		}
	}
	return doc, nil
}

// openAPIBuilder accumulates the paths and the component schemas of a
// document; schemas are added when first referenced.
type openAPIBuilder struct {
	set          *schema.Set
	paths        map[string]map[string]any // path → method → operation
	schemas      map[string]any
	operationIDs map[string]bool
}

// Schema variants of a model (see OpenAPI).
type schemaVariant int

const (
	variantResponse      schemaVariant = iota // "Customer"
	variantWithRelations                      // "CustomerWithRelations"
	variantNew                                // "NewCustomer"
	variantPartial                            // "CustomerPartial"
)

// Query parameters of the routes.
const (
	queryFilter  = "filter"
	queryWhere   = "where"
	queryRefresh = "refresh"
	queryOptions = "options"
)

// Shapes of request bodies and of successful responses.
type bodyShape int

const (
	bodyNone       bodyShape = iota
	bodyNew                  // a new instance (NewX)
	bodyNewOrArray           // a new instance or an array of them
	bodyPartial              // some properties (XPartial)
	bodyReplace              // a whole instance, its id optional (XPartial)
	bodyThrough              // the through instance's data
	bodyBackup               // {"name": ...} of POST /_relstore/backup
)

type resultShape int

const (
	resultInstance   resultShape = iota // X
	resultRead                          // XWithRelations
	resultReadArray                     // [XWithRelations]
	resultCreated                       // X, or [X] for an array body
	resultNullable                      // X or null
	resultCount                         // {"count": n}
	resultExists                        // {"exists": bool}
	resultNoContent                     // 204
	resultHeadExists                    // 200 / 404 without a body
	resultThrough                       // the through instance (referencesMany: the target or null)
	resultStream                        // text/event-stream
)

// opDoc documents one kind of operation.
type opDoc struct {
	summary string
	query   []string
	body    bodyShape
	result  resultShape
}

// modelOps documents the PersistedModel routes by op.
var modelOps = map[string]opDoc{
	"create":             {"Create a new instance of the model (or one per element of an array) and persist it.", nil, bodyNewOrArray, resultCreated},
	"patchOrCreate":      {"Patch an existing instance (by the id in the body) or create a new one.", nil, bodyPartial, resultInstance},
	"replaceOrCreate":    {"Replace an existing instance (by the id in the body) or create a new one.", nil, bodyReplace, resultInstance},
	"upsertWithWhere":    {"Update the one instance matching where, or create a new one.", []string{queryWhere}, bodyPartial, resultInstance},
	"exists":             {"Check whether an instance exists.", nil, bodyNone, resultExists},
	"findById":           {"Find an instance by id (filter: fields and include only).", []string{queryFilter}, bodyNone, resultRead},
	"replaceById":        {"Replace the attributes of an instance.", nil, bodyReplace, resultInstance},
	"find":               {"Find all instances matching the filter.", []string{queryFilter}, bodyNone, resultReadArray},
	"findOne":            {"Find the first instance matching the filter.", []string{queryFilter}, bodyNone, resultRead},
	"updateAll":          {"Update the instances matching where (no validation).", []string{queryWhere}, bodyPartial, resultCount},
	"deleteById":         {"Delete an instance by id.", nil, bodyNone, resultCount},
	"count":              {"Count the instances matching where.", []string{queryWhere}, bodyNone, resultCount},
	"patchAttributes":    {"Patch the attributes of an instance.", nil, bodyPartial, resultInstance},
	"createChangeStream": {"Stream the changes of the model as server-sent events (options: {where}).", []string{queryOptions}, bodyNone, resultStream},
}

// scopeOps documents the named-scope routes by op.
var scopeOps = map[string]opDoc{
	"get":    {"Query the instances in the scope %s.", []string{queryFilter}, bodyNone, resultReadArray},
	"create": {"Create an instance in the scope %s.", nil, bodyNew, resultInstance},
	"delete": {"Delete every instance in the scope %s.", nil, bodyNone, resultNoContent},
	"count":  {"Count the instances in the scope %s.", []string{queryWhere}, bodyNone, resultCount},
}

// relationOps documents the relation routes by op; "get" depends on the
// relation kind (see relationOpDoc).
var relationOps = map[string]opDoc{
	"create":      {"Create a new instance in %s (to-many: one per element of an array).", nil, bodyNewOrArray, resultCreated},
	"update":      {"Update %s.", nil, bodyPartial, resultInstance},
	"destroy":     {"Delete %s.", nil, bodyNone, resultNoContent},
	"delete":      {"Delete every instance of %s.", nil, bodyNone, resultNoContent},
	"count":       {"Count the instances of %s matching where.", []string{queryWhere}, bodyNone, resultCount},
	"findById":    {"Find a related instance of %s by id.", nil, bodyNone, resultInstance},
	"updateById":  {"Update a related instance of %s by id.", nil, bodyPartial, resultInstance},
	"destroyById": {"Delete a related instance of %s by id.", nil, bodyNone, resultNoContent},
	"link":        {"Link an instance to %s by id (body: the through instance's data).", nil, bodyThrough, resultThrough},
	"unlink":      {"Unlink an instance from %s by id.", nil, bodyNone, resultNoContent},
	"exists":      {"Check whether an instance is linked to %s (200 or 404, no body).", nil, bodyNone, resultHeadExists},
}

// routeDoc returns the documentation of a route, or false when the route
// table has an operation this file does not know.
func routeDoc(r *route) (opDoc, bool) {
	switch {
	case r.rel != nil:
		return relationOpDoc(r)
	case r.scope != "":
		d, ok := scopeOps[r.op]
		d.summary = fmt.Sprintf(d.summary, r.scope)
		return d, ok
	}
	if r.method == http.MethodHead && r.op == "exists" {
		return opDoc{"Check whether an instance exists (200 or 404, no body).", nil, bodyNone, resultHeadExists}, true
	}
	d, ok := modelOps[r.op]
	return d, ok
}

func relationOpDoc(r *route) (opDoc, bool) {
	rel := r.rel
	var d opDoc
	ok := true
	if r.op == "get" {
		switch rel.Type {
		case schema.RelBelongsTo:
			d = opDoc{"Fetch the %s the instance belongs to (null when there is none).", []string{queryRefresh}, bodyNone, resultNullable}
		case schema.RelHasOne:
			d = opDoc{"Fetch %s (404 when there is none).", nil, bodyNone, resultInstance}
		case schema.RelEmbedsOne:
			d = opDoc{"Fetch %s (204 when there is none).", nil, bodyNone, resultInstance}
		default:
			d = opDoc{"Query %s.", []string{queryFilter}, bodyNone, resultReadArray}
		}
	} else {
		d, ok = relationOps[r.op]
	}
	what := rel.Name
	if r.nest != nil {
		what = fmt.Sprintf("%s of the %s {nk} of the instance", rel.Name, r.nest.Name)
		if toOne(r.nest) {
			what = fmt.Sprintf("%s of the %s of the instance (null when there is none)", rel.Name, r.nest.Name)
		}
	}
	d.summary = fmt.Sprintf(d.summary, what)
	if toOne(rel) && d.body == bodyNewOrArray {
		d.body, d.result = bodyNew, resultInstance
	}
	return d, ok
}

// addRoute adds the operation of one route.
func (b *openAPIBuilder) addRoute(root string, mr *modelRoutes, r *route) error {
	d, ok := routeDoc(r)
	if !ok {
		return fmt.Errorf("openapi: route %s %s of %s (%s) is not documented", r.method, strings.Join(r.segs, "/"), mr.model.Name, r.name)
	}
	segs := append(append([]string{}, mr.path...), r.segs...)
	path := root + "/" + strings.Join(segs, "/")
	target := mr.model
	if r.rel != nil {
		target = b.set.Model(r.rel.Model) // nil for polymorphic belongsTo
	}
	op := map[string]any{
		"tags":        []any{mr.model.Name},
		"summary":     d.summary,
		"operationId": b.operationID(mr.model.Name+"."+r.name, r.method, segs),
	}
	var params []any
	for _, seg := range r.segs {
		switch seg {
		case paramID:
			params = append(params, pathParam("id", "Model id", idSchema(mr.model)))
		case paramNK:
			params = append(params, pathParam("nk", "Foreign key for "+r.nest.Name+".", idSchema(b.set.Model(r.nest.Model))))
		case paramFK:
			params = append(params, pathParam("fk", "Foreign key for "+r.rel.Name+".", idSchema(target)))
		}
	}
	for _, q := range d.query {
		params = append(params, queryParam(q))
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if body := b.requestBody(d.body, target, r.rel); body != nil {
		op["requestBody"] = body
	}
	op["responses"] = b.responses(d.result, target, r.rel)
	ops := b.paths[path]
	if ops == nil {
		ops = map[string]any{}
		b.paths[path] = ops
	}
	ops[strings.ToLower(r.method)] = op
	return nil
}

// operationID returns base, or, when another route already has it (aliases
// such as PUT /Model and POST /Model/replaceOrCreate), base suffixed with
// the verb and path as loopback-swagger does.
func (b *openAPIBuilder) operationID(base, method string, segs []string) string {
	id := base
	if b.operationIDs[id] {
		var sb strings.Builder
		sb.WriteString(base + "__" + strings.ToLower(method))
		for _, s := range segs {
			sb.WriteString("_" + strings.Trim(s, "{}"))
		}
		id = sb.String()
	}
	b.operationIDs[id] = true
	return id
}

// addServerPaths documents the paths served outside the API root.
func (b *openAPIBuilder) addServerPaths(s *server) {
	open := []any{} // no security requirement
	b.paths[healthPath] = map[string]any{"get": map[string]any{
		"tags": []any{"relstore"}, "summary": "Health check.", "operationId": "relstore.health", "security": open,
		"responses": map[string]any{"200": jsonResponse("OK", map[string]any{"type": "object",
			"properties": map[string]any{"status": map[string]any{"type": "string", "enum": []any{"ok"}}}})},
	}}
	b.paths[openAPIPath] = map[string]any{"get": map[string]any{
		"tags": []any{"relstore"}, "summary": "This OpenAPI document.", "operationId": "relstore.openapi", "security": open,
		"responses": map[string]any{"200": jsonResponse("The OpenAPI document", map[string]any{"type": "object"})},
	}}
	b.paths[explainPath+"{model}"] = map[string]any{"get": map[string]any{
		"tags": []any{"relstore"}, "summary": "The engine's query plan of a find.", "operationId": "relstore.explain",
		"parameters": []any{
			pathParam("model", "Model name or REST path", map[string]any{"type": "string"}),
			queryParam(queryFilter),
		},
		"responses": map[string]any{
			"200": jsonResponse("The plan", map[string]any{"type": "object", "properties": map[string]any{
				"model": map[string]any{"type": "string"}, "filter": map[string]any{"type": "object"},
				"plan": map[string]any{"type": "string"}}}),
			"default": errorRef(),
		},
	}}
	if s.opts.BackupDir != "" {
		b.paths[backupPath] = map[string]any{"post": map[string]any{
			"tags": []any{"relstore"}, "operationId": "relstore.backup",
			"summary":     "Write a consistent copy (a Pebble checkpoint) of the store into a new subdirectory of the daemon's --backup-dir.",
			"requestBody": b.requestBody(bodyBackup, nil, nil),
			"responses": map[string]any{
				"200": jsonResponse("The backup was written", map[string]any{"type": "object", "properties": map[string]any{
					"name": map[string]any{"type": "string"}, "path": map[string]any{"type": "string"}}}),
				"default": errorRef(),
			},
		}}
	}
}

// requestBody documents a request body of the given shape.
func (b *openAPIBuilder) requestBody(shape bodyShape, target *schema.Model, rel *schema.Relation) map[string]any {
	var sch map[string]any
	desc := ""
	switch shape {
	case bodyNone:
		return nil
	case bodyNew:
		sch, desc = b.ref(target, variantNew), "The new instance"
	case bodyNewOrArray:
		one := b.ref(target, variantNew)
		sch = map[string]any{"oneOf": []any{one, map[string]any{"type": "array", "items": one}}}
		desc = "The new instance, or an array of them (created all or none)"
	case bodyPartial:
		sch, desc = b.ref(target, variantPartial), "The properties to change"
	case bodyReplace:
		sch, desc = b.ref(target, variantPartial), "The whole instance"
	case bodyThrough:
		sch, desc = map[string]any{"type": "object"}, "The through instance's properties"
		if rel != nil && rel.Through != "" {
			sch = b.ref(b.set.Model(rel.Through), variantPartial)
		}
	case bodyBackup:
		sch = map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{
			"name": map[string]any{"type": "string", "pattern": "^[A-Za-z0-9._-]+$",
				"description": "a new subdirectory of --backup-dir (not . or ..)"}}}
		desc = "Where to write the backup"
	}
	return map[string]any{
		"description": desc,
		"content": map[string]any{
			"application/json":                  map[string]any{"schema": sch},
			"application/x-www-form-urlencoded": map[string]any{"schema": sch},
		},
	}
}

// responses documents the responses of an operation.
func (b *openAPIBuilder) responses(shape resultShape, target *schema.Model, rel *schema.Relation) map[string]any {
	out := map[string]any{"default": errorRef()}
	switch shape {
	case resultInstance:
		out["200"] = jsonResponse("The instance", b.ref(target, variantResponse))
	case resultRead:
		out["200"] = jsonResponse("The instance", b.ref(target, variantWithRelations))
	case resultReadArray:
		out["200"] = jsonResponse("The instances", map[string]any{"type": "array", "items": b.ref(target, variantWithRelations)})
	case resultCreated:
		one := b.ref(target, variantResponse)
		out["200"] = jsonResponse("The created instance (an array for an array body)",
			map[string]any{"oneOf": []any{one, map[string]any{"type": "array", "items": one}}})
	case resultNullable:
		sch := b.ref(target, variantResponse)
		out["200"] = jsonResponse("The instance, or null", map[string]any{"allOf": []any{sch}, "nullable": true})
	case resultCount:
		out["200"] = jsonResponse("The number of instances", map[string]any{"type": "object", "required": []any{"count"},
			"properties": map[string]any{"count": map[string]any{"type": "number"}}})
	case resultExists:
		out["200"] = jsonResponse("Whether the instance exists", map[string]any{"type": "object", "required": []any{"exists"},
			"properties": map[string]any{"exists": map[string]any{"type": "boolean"}}})
	case resultNoContent:
		out["204"] = map[string]any{"description": "Done"}
	case resultHeadExists:
		out = map[string]any{"200": map[string]any{"description": "It exists"}, "404": map[string]any{"description": "It does not"}}
	case resultThrough:
		sch := map[string]any{"nullable": true, "allOf": []any{b.ref(target, variantResponse)}}
		if rel != nil && rel.Through != "" {
			sch = b.ref(b.set.Model(rel.Through), variantResponse)
		}
		out["200"] = jsonResponse("The through instance (referencesMany: the target, or null when it does not exist)", sch)
	case resultStream:
		out["200"] = map[string]any{"description": "Server-sent events: \"event: data\" lines with {target, data, type}",
			"content": map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"}}}}
	}
	return out
}

// ref returns a $ref to a variant of m's schema, adding the schema (and the
// schemas it refers to) to the components on first use. A nil model (the
// target of a polymorphic belongsTo) is any object.
func (b *openAPIBuilder) ref(m *schema.Model, v schemaVariant) map[string]any {
	if m == nil {
		return map[string]any{"type": "object"}
	}
	if v == variantWithRelations && len(b.relationPropertyNames(m)) == 0 {
		v = variantResponse
	}
	name := schemaName(m, v)
	if _, done := b.schemas[name]; !done {
		b.schemas[name] = nil // reserve: cycles end here
		b.schemas[name] = b.modelSchema(m, v)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func schemaName(m *schema.Model, v schemaVariant) string {
	switch v {
	case variantWithRelations:
		return m.Name + "WithRelations"
	case variantNew:
		return "New" + m.Name
	case variantPartial:
		return m.Name + "Partial"
	}
	return m.Name
}

// modelSchema builds the JSON Schema of m as LoopBack 4's getJsonSchema
// does (see OpenAPI for the variants).
func (b *openAPIBuilder) modelSchema(m *schema.Model, v schemaVariant) map[string]any {
	response := v == variantResponse || v == variantWithRelations
	props := map[string]any{}
	var required []any
	for _, p := range m.Properties {
		if response && m.IsHidden(p.Name) {
			continue
		}
		if v == variantNew && p.ID > 0 && p.Generated && m.ForceID {
			continue // "can't be set" on create
		}
		props[p.Name] = b.propertySchema(p)
		if p.Required && v != variantPartial && !(p.ID > 0 && p.Generated) {
			required = append(required, p.Name)
		}
	}
	if v == variantWithRelations {
		for name, sch := range b.relationProperties(m) {
			props[name] = sch
		}
	}
	title := schemaName(m, v)
	out := map[string]any{"title": title, "type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	strict := m.Strict == schema.StrictTrue || (response && m.Strict == schema.StrictFilter)
	if strict {
		out["additionalProperties"] = false
	}
	switch v {
	case variantNew:
		out["description"] = fmt.Sprintf("A new %s (hidden properties may be set)", m.Name)
	case variantPartial:
		out["description"] = fmt.Sprintf("Some properties of a %s", m.Name)
	case variantWithRelations:
		out["description"] = fmt.Sprintf("A %s with the related instances filter.include adds", m.Name)
	}
	return out
}

// relationProperties returns the properties an include adds to m's
// instances, by relation name: to-one relations a (nullable) instance,
// to-many ones an array. Embedded relations already are properties.
func (b *openAPIBuilder) relationProperties(m *schema.Model) map[string]any {
	out := map[string]any{}
	for _, rel := range m.Relations {
		if rel.Type == schema.RelEmbedsOne || rel.Type == schema.RelEmbedsMany || !routable(b.set, rel) {
			continue
		}
		item := b.ref(b.set.Model(rel.Model), variantWithRelations)
		if toOne(rel) {
			out[rel.Name] = item
		} else {
			out[rel.Name] = map[string]any{"type": "array", "items": item}
		}
	}
	return out
}

// relationPropertyNames lists the relations of m an include can add,
// without building schemas.
func (b *openAPIBuilder) relationPropertyNames(m *schema.Model) []string {
	var names []string
	for _, rel := range m.Relations {
		if rel.Type != schema.RelEmbedsOne && rel.Type != schema.RelEmbedsMany && routable(b.set, rel) {
			names = append(names, rel.Name)
		}
	}
	return names
}

// propertySchema is the JSON Schema of a property: its type, its LB4
// jsonSchema constraints and its default.
func (b *openAPIBuilder) propertySchema(p *schema.Property) map[string]any {
	out := b.typeSchema(p.Type)
	if js := p.JSONSchema; js != nil {
		if js.MinLength != nil {
			out["minLength"] = *js.MinLength
		}
		if js.MaxLength != nil {
			out["maxLength"] = *js.MaxLength
		}
		if js.Pattern != "" {
			out["pattern"] = js.Pattern
		}
		if js.Format != "" {
			if _, set := out["format"]; !set {
				out["format"] = js.Format
			}
		}
		if len(js.Enum) > 0 {
			out["enum"] = js.Enum
		}
		if js.Minimum != nil {
			out["minimum"] = *js.Minimum
		}
		if js.Maximum != nil {
			out["maximum"] = *js.Maximum
		}
	}
	if p.Default != nil && p.Default != "$now" && out["$ref"] == nil {
		out["default"] = p.Default
	}
	return out
}

// typeSchema is the JSON Schema of a property type.
func (b *openAPIBuilder) typeSchema(t schema.Type) map[string]any {
	switch t.Kind {
	case schema.KindString:
		return map[string]any{"type": "string"}
	case schema.KindNumber:
		return map[string]any{"type": "number"}
	case schema.KindBoolean:
		return map[string]any{"type": "boolean"}
	case schema.KindDate:
		return map[string]any{"type": "string", "format": "date-time"}
	case schema.KindObject:
		return map[string]any{"type": "object"}
	case schema.KindArray:
		items := map[string]any{}
		if t.Item != nil {
			items = b.typeSchema(*t.Item)
		}
		return map[string]any{"type": "array", "items": items}
	case schema.KindGeoPoint:
		return map[string]any{"type": "object", "required": []any{"lat", "lng"}, "properties": map[string]any{
			"lat": map[string]any{"type": "number", "minimum": -90, "maximum": 90},
			"lng": map[string]any{"type": "number", "minimum": -180, "maximum": 180}}}
	case schema.KindBuffer:
		return map[string]any{"type": "object", "description": "Node's Buffer JSON: {\"type\": \"Buffer\", \"data\": [bytes]}",
			"properties": map[string]any{
				"type": map[string]any{"type": "string", "enum": []any{"Buffer"}},
				"data": map[string]any{"type": "array", "items": map[string]any{"type": "integer", "minimum": 0, "maximum": 255}}}}
	case schema.KindModel:
		if m := b.set.Model(t.Model); m != nil {
			return b.ref(m, variantResponse)
		}
		return map[string]any{"type": "object"}
	}
	return map[string]any{} // any
}

// idSchema is the schema of a path parameter holding an id of m.
func idSchema(m *schema.Model) map[string]any {
	if m != nil {
		if ids := m.IDProperties(); len(ids) > 0 {
			switch ids[0].Type.Kind {
			case schema.KindNumber:
				return map[string]any{"type": "number"}
			case schema.KindString:
				return map[string]any{"type": "string"}
			}
		}
	}
	return map[string]any{"type": "string"}
}

func pathParam(name, desc string, sch map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "path", "required": true, "description": desc, "schema": sch}
}

// queryParam documents a query parameter. Object parameters take JSON
// (?filter={...}) or the bracket syntax (?filter[where][age][gt]=2).
func queryParam(name string) map[string]any {
	switch name {
	case queryRefresh:
		return map[string]any{"name": name, "in": "query", "description": "Accepted for LB3 compatibility",
			"schema": map[string]any{"type": "boolean"}}
	}
	desc := map[string]string{
		queryFilter:  "A LoopBack filter: {where, fields, include, order, limit, skip}, as JSON or in the bracket syntax",
		queryWhere:   "A LoopBack where, as JSON or in the bracket syntax",
		queryOptions: "{\"where\": {...}}: only the changes whose data matches",
	}[name]
	return map[string]any{"name": name, "in": "query", "description": desc,
		"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
}

func jsonResponse(desc string, sch map[string]any) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": sch}}}
}

func errorRef() map[string]any { return map[string]any{"$ref": "#/components/responses/Error"} }

// errorResponse is the response of every error, in LB3's shape.
func errorResponse() map[string]any {
	return jsonResponse("An error, in LoopBack 3's shape", map[string]any{"$ref": "#/components/schemas/Error"})
}

func errorSchema() map[string]any {
	return map[string]any{"title": "Error", "type": "object", "required": []any{"error"}, "properties": map[string]any{
		"error": map[string]any{"type": "object", "required": []any{"statusCode", "message"}, "properties": map[string]any{
			"statusCode": map[string]any{"type": "integer"},
			"name":       map[string]any{"type": "string"},
			"message":    map[string]any{"type": "string"},
			"code":       map[string]any{"type": "string"},
			"details":    map[string]any{},
		}},
	}}
}

// openAPIFor returns the document of rt, built once per router.
func (s *server) openAPIFor(rt *router) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.doc != nil && s.docRouter == rt {
		return s.doc, nil
	}
	doc, err := s.openAPIDocument(rt)
	if err != nil {
		return nil, err
	}
	s.doc, s.docRouter = doc, rt
	return doc, nil
}

// serveOpenAPI is GET /openapi.json.
func (s *server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writeError(w, r, newError(http.StatusNotFound, "", "Cannot %s %s", r.Method, r.URL.Path))
		return
	}
	doc, err := s.openAPIFor(s.routes())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, doc)
}
