// Package schema turns LoopBack 3 model-definition JSON (the documents of
// common/models/*.json, plus an optional model-config.json) into resolved
// Go types: a Set of Models with their Properties, Indexes and Relations,
// LoopBack's defaults applied and every cross-reference checked.
//
// Typical use:
//
//	set, err := schema.LoadDir("common/models", &schema.LoadOptions{
//		Warn: func(model, msg string) { log.Printf("%s: %s", model, msg) },
//	})
//
// or, to add documents one by one (in any order — references are resolved
// together):
//
//	l := schema.NewLoader(nil)
//	err := l.Add(customerJSON)
//	err = l.Add(orderJSON)
//	set, err := l.Resolve()
//
// What Resolve does, following LoopBack 3 (loopback 3.28, juggler 3.36):
//
//   - plural defaults to Pluralize(name) (npm inflection 1.13.4 rules), the
//     REST path to http.path or the plural (Model.PluralPath);
//   - bases: PersistedModel (the default), Model, KeyValueModel or a user
//     model (defined in any order), merged with LB3's legacy policy:
//     properties patched (base properties first, null/false or
//     excludeBaseProperties remove one, a child declaring an id drops the
//     base ids), hidden/protected unioned, relations, indexes, scopes and
//     settings patched by name, everything else replaced; name, plural and
//     http.path are never inherited. LoopBack's authentication models
//     (User, AccessToken, ACL, Role, ...) are refused as bases;
//   - ids: idInjection adds {id: number, generated} as the first property
//     when no property is an id; forceId "auto" is true for generated ids;
//   - property types: LB3 type names case-insensitively, arrays, model
//     names, inline object types (anonymous models "<Owner>_<prop>");
//   - relations: LB3 default names of keys (belongsTo "<relation>Id",
//     hasMany/hasOne camelCase("<Source>_id"), through keyThrough
//     camelCase("<Target>_id"), referencesMany camelCase("<Target>_ids"),
//     embeds properties), LB4 synonyms (keyFrom/keyTo, through objects),
//     implicit hasAndBelongsToMany through models, foreign-key properties
//     defined with the type of the key they hold, and indexes for them;
//   - model-config.json: "public" → Model.Public.
//
// LB3 keys relstore does not implement (acls, methods, mixins, validations,
// options, remoting, http settings other than path) are reported once per
// key and model through LoadOptions.Warn and otherwise ignored; they never
// fail a load. Errors wrap ErrInvalidDefinition and a specific sentinel
// (see the var block in errors.go) and name the model, the property or
// relation, and the problem.
//
// A resolved Set is plain data: safe for concurrent reads, not for
// concurrent mutation.
package schema
