// Package server serves LoopBack 3's REST API over a relstore engine.DB.
//
// New returns an http.Handler that answers every route an LB3 application
// (loopback.rest() with the settings of an lb-scaffolded app) exposes for
// its PersistedModels, with LB3's verbs, paths, status codes, query-string
// syntaxes and error bodies:
//
//   - model CRUD: POST/PATCH/PUT /Model, POST /Model/replaceOrCreate,
//     POST /Model/upsertWithWhere?where=, GET /Model?filter=,
//     GET /Model/findOne, GET /Model/count?where=, POST /Model/update?where=,
//     GET/HEAD/PUT/PATCH/DELETE /Model/{id}, GET /Model/{id}/exists,
//     POST /Model/{id}/replace;
//   - named scopes: GET/POST/DELETE /Model/{scope}, GET /Model/{scope}/count;
//   - relations, per kind: GET /Model/{id}/rel (belongsTo, with ?refresh);
//     GET/POST/PUT/DELETE /Model/{id}/rel (hasOne); GET/POST/DELETE
//     /Model/{id}/rel, GET /Model/{id}/rel/count and GET/PUT/DELETE
//     /Model/{id}/rel/{fk} (hasMany), plus PUT/DELETE/HEAD
//     /Model/{id}/rel/rel/{fk} for hasManyThrough, hasAndBelongsToMany and
//     referencesMany;
//   - for relations with options.nestRemoting, the target's relation
//     routes under the parent: /Model/{id}/rel/{nk}/... (to-many) and
//     /Model/{id}/rel/... (to-one), {nk} resolved through the relation
//     first;
//   - GET|POST /Model/change-stream (server-sent events).
//
// Errors have LB3's shape, {"error": {"statusCode", "name", "message",
// "code"?, "details"?}}; errorFor is the one place that maps engine and
// filter errors to statuses. Where LB3 silently ignores a parameter
// (filter on /count, where on DELETE /{id}/rel, where in findById's
// filter) relstore answers 400 naming it, and where LB3 crashes on a
// client mistake (POST /update without where) it answers a 4xx.
//
// Outside the API root the handler serves GET /healthz, GET /openapi.json
// (the OpenAPI 3 document of every route, generated from the route table;
// no token needed), POST /_relstore/backup (a checkpoint of the store into
// a subdirectory of Options.BackupDir) and
// GET /_relstore/explain/{Model}?filter= (the engine's query plan).
package server
