// Command relstore is the relstore daemon: LoopBack 3's REST API over a
// relstore database kept in Pebble (or in memory).
//
// Usage:
//
//	relstore serve [flags]                  serve the REST API
//	relstore check --data DIR [--repair]    verify (and repair) a store's records and indexes
//	relstore backup --data DIR [--verify] OUT
//	                                        copy a stopped store (a Pebble checkpoint)
//	relstore export --data DIR [--models DIR] [--format relstore|lb3] [OUT|-]
//	                                        write every record to a JSON file
//	relstore import --data DIR [--models DIR] IN|-
//	                                        load an export (relstore's or LB3's memory file)
//	relstore openapi [--models DIR] [--api-root PATH] [--token-auth] [--backup]
//	                                        print the OpenAPI 3 document of the API
//	relstore version                        print the version
//
// serve loads LB3 model definitions (--models DIR, every *.json in
// file-name order, model-config.json honoured; without it the example shop
// of package examples), opens the store (--data DIR for Pebble, memory
// without it), defines the models, optionally imports --seed FILE, and
// serves the API at --addr under --api-root. Once listening it prints
// exactly one line to stdout,
//
//	listening on http://127.0.0.1:3000/api
//
// with the real port (--addr with port 0 picks a free one); logs go to
// stderr. SIGINT or SIGTERM shut it down cleanly: in-flight requests
// finish, change streams end, the store is synced and closed.
//
// serve flags:
//
//	--models DIR        LB3 model definitions (default: the embedded examples)
//	--addr HOST:PORT    listen address (default 127.0.0.1:3000)
//	--api-root PATH     API mount path (default /api)
//	--data DIR          Pebble store directory (default: in memory)
//	--sync              acknowledge writes only once durable (default true)
//	--token TOKEN       require "Authorization: Bearer TOKEN" (or $RELSTORE_TOKEN)
//	--read-only         refuse every write with a 403
//	--max-limit N       cap the rows one find returns
//	--max-body BYTES    largest request body (default 100 kB)
//	--request-timeout D deadline of each request (e.g. 30s; default none)
//	--cors ORIGIN       send Access-Control-Allow-Origin: ORIGIN
//	--seed FILE         import {"Model": [records...]} into empty models at start
//	--backup-dir DIR    enable POST /_relstore/backup into subdirectories of DIR
//	--record-cache-mb N memory for decoded records of a Pebble store (default 512; 0: none)
//	--log-level LEVEL   debug, info, warn or error (default info)
//
// The daemon also serves GET /openapi.json (no token needed) and, with
// --backup-dir, POST /_relstore/backup {"name": "NAME"}: a consistent copy
// of the running store written into DIR/NAME.
//
// check opens the store read-only, runs the engine's consistency check and
// prints its report; it exits 1 when the store has faults. With --repair it
// rebuilds the indexes of a faulty store from its records and checks again.
//
// backup copies a stopped store into the new directory OUT, leaving the
// store at its Pebble format (it refuses a directory that holds no store);
// a store a daemon is serving is locked, and is backed up through the
// daemon's POST /_relstore/backup instead.
//
// export writes the records of a stopped store, in one consistent read, as
// relstore's JSON ({"models": {"Customer": [records...]}}) or as the file
// LB3's memory connector keeps ({"ids": {...}, "models": {"Customer":
// {"1": "<record JSON>"}}}); import reads either (told apart by shape),
// keeping the records' ids, in transactions of 1000 records, into models
// that are still empty. Both report progress on stderr. Until the engine
// can read and write records raw, export refuses models with hidden
// properties or a filtering default scope, and import refuses models that
// force generated ids (forceId, LB3's default for generated ids) or have a
// default scope's where, naming them.
//
// openapi prints the document GET /openapi.json serves for the models.
package main
