// Command relstore is the relstore daemon: LoopBack 3's REST API over a
// relstore database kept in Pebble (or in memory).
//
// Usage:
//
//	relstore serve [flags]        serve the REST API
//	relstore check --data DIR     verify a store's records and indexes
//	relstore version              print the version
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
//	--log-level LEVEL   debug, info, warn or error (default info)
//
// check opens the store read-only, runs the engine's consistency check and
// prints its report; it exits 1 when the store has faults.
package main
