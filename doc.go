// Package relstore is a datastore engine that gives Go programs LoopBack's
// model, relation and filter semantics natively, with typed repositories
// in the style of LoopBack 4, on Pebble or in memory.
//
// It is a thin typed layer over package engine (the map-based database,
// reached with DB.Engine and Tx.Engine): everything a repository does, the
// engine does with map[string]any records, and the two may be mixed.
//
// # Opening and defining models
//
// Open opens a Pebble store in a directory, or a memory store for an empty
// path. Models are defined from LoopBack 3 JSON definitions (DB.DefineJSON,
// DB.DefineDir, DB.DefineFS) or from Go structs (Define), in any order and
// mixed: all definitions of a DB are resolved together, so a struct model
// may have a relation to a JSON model and the other way round. A
// definition naming a model that is not defined yet waits for it.
//
// A struct model is translated into the LB3 JSON definition it stands for
// (Definition shows it); the struct and that JSON define the same model.
// Properties are the exported fields, named by their json tag (default: the
// field name with its leading capitals lower-cased: Name → name, ID → id).
// Types: strings, booleans, all integer and float types (number),
// time.Time (date), []byte (buffer), slices (arrays of their element type),
// string-keyed maps (object), any, named structs (nested models, defined
// along as non-persisted models) and anonymous structs (inline object
// types); a pointer is the same property, optional. Embedded structs are
// flattened. `json:"-"` or `relstore:"-"` leaves a field out.
//
// The relstore tag carries what LB4's decorators carry, as comma-separated
// items (a comma inside a value is written \,):
//
//	id, id=2               the id (a position for composite ids); without
//	                       any, a field named "id" is the id
//	generated              the store assigns the id (a counter)
//	required               a value is required (zero values count as absent)
//	default=v              the default at create (typed by the field)
//	defaultFn=now          now, guid, uuid, uuidv4, shortid, nanoid
//	index, unique          a secondary index, a unique one
//	hidden, protected      left out of results (protected: out of includes)
//	minLength=n maxLength=n minimum=x maximum=x pattern=re format=email enum=a|b
//	                       jsonSchema constraints, enforced on every write
//	type=T                 the LB3 type, when the Go type does not say it
//	belongsTo=Model        on a foreign key field: a belongsTo relation named
//	                       as=name (default: the key without "Id"), to the
//	                       target's keyTo=property (default its id);
//	                       integrity=strict refuses dangling keys
//	hasMany[=Model]        on a relation field ([]Target): keyTo is the
//	hasOne[=Model]         foreign key on the target, keyFrom the source key;
//	                       with through=Model, keyFrom and keyTo are the
//	                       through model's keys to the source and the target;
//	                       onDelete=cascade|restrict|setNull
//
// A field named like a belongsTo relation (Customer *Customer `json:"customer"`)
// holds the included target. Model-level settings go on a blank
// relstore.Model field:
//
//	type Customer struct {
//		_      relstore.Model `relstore:"name=Customer,plural=Customers,strict"`
//		ID     int            `json:"id" relstore:"id,generated"`
//		Name   string         `json:"name" relstore:"required,minLength=2"`
//		Email  string         `json:"email" relstore:"unique,format=email"`
//		Orders []Order        `json:"orders" relstore:"hasMany,keyTo=customerId"`
//	}
//
//	type Order struct {
//		ID         int       `json:"id" relstore:"id,generated"`
//		CustomerID int       `json:"customerId" relstore:"belongsTo=Customer"`
//		Total      float64   `json:"total"`
//		Customer   *Customer `json:"customer,omitempty"`
//	}
//
// # Repositories
//
// NewRepo returns the Repo of a struct type: Create, CreateAll, FindByID,
// Find, FindOne, Count, Exists, PatchByID, ReplaceByID, ReplaceOrCreate,
// Upsert, DeleteByID, UpdateAll, DeleteAll, FindOrCreate. Records are
// decoded into the struct, included relations into its relation fields.
// Writing a struct writes its non-zero fields (so defaults apply and ids are
// generated); a pointer field is written whenever it is not nil. Patches
// are maps, so that zero values can be written too.
//
// Filters are LoopBack filter objects (Filter), written as JSON
// (ParseFilter), as literals, or built: Where("age", Gt, 21).Order("name
// ASC").Include("orders"). Where paths cross relations:
// Where("customer.name", Eq, "Ada"), Where("orders", Some, Where("total",
// Gt, 100)).
//
// Relations have LB4's accessors: BelongsTo returns a BelongsToAccessor
// (the target of a to-one relation), HasMany a HasManyFactory whose
// HasManyRepo finds, creates, patches and deletes the related records of
// one source record, refuses to change their foreign key, and links and
// unlinks through relations.
//
// # Transactions
//
// DB.Update runs a function in a write transaction committed atomically;
// DB.View in a read transaction over one snapshot. The *Tx they pass is a
// context.Context: repository operations given it as their ctx run inside
// the transaction.
//
// # Errors
//
// Errors match the sentinels of errors.go with errors.Is (ErrNotFound,
// ErrUniqueViolation, ErrForeignKey, ErrClosed, ...); invalid data is a
// *ValidationError with per-property codes, a malformed filter a
// *FilterError, other client mistakes an *Error with a stable Code.
//
// # Caveats
//
// One write transaction runs at a time: inside DB.Update, pass the *Tx as
// ctx; an operation given another context waits for the transaction to
// end, which never comes. Models must be defined again after each Open.
// Decoding reads JSON names, not tags, so a struct may be a typed view of
// any model whose properties it names; values that do not fit a field's Go
// type are an ErrDecode.
package relstore
