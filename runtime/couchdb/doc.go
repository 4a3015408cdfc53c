// Package couchdb is the CouchDB provider of the dbgen runtime, on
// github.com/go-kivik/kivik/v4. Import it for its side effect of registering
// the provider "couchdb":
//
//	import _ "github.com/dbgen/dbgen/runtime/couchdb"
//
// # Layout
//
// One database per collection, named by an optional prefix plus the
// collection name ("agents", or "staging_agents" with prefix "staging_").
// Documents use CouchDB's native `_id` and `_rev`; the rest of the body is the
// plain JSON of the application's fields, exactly as the reference
// application's Python service stored it. So documents it wrote are read as
// they are, and what this driver writes reads back the same through plain
// HTTP. Bodies written contain the application fields plus `_id` (and `_rev`
// when replacing); a body with any other `_`-prefixed member is refused.
//
// The `_id` is the document ID, unchanged. CouchDB reserves IDs that start
// with "_"; the runtime's ID rules refuse them on every provider, so none
// reaches the server.
//
// # Revisions
//
// The revision is CouchDB's `_rev`. Replace and a delete at a given revision
// send it, so a stale revision is a 409 that changes nothing (kind conflict).
// CouchDB answers a replace of a missing document with 409 as well; only then
// does the driver look the document up to report kind not found instead.
// Delete of "whatever revision" reads the current revision first (one call,
// `_all_docs?keys=` in bulk) and retries if a concurrent write intervenes.
//
// # Queries and indexes
//
// EnsureSchema creates each collection's database if missing and one Mango
// index per declared query (runtime.Index), in its own design document
// "_design/dbgen_<index name>", over the equality fields, then the order
// field, then `_id`, defined ascending (a descending query reads it
// backwards, on CouchDB 3 and pouchdb-find alike). It is the only method that
// creates anything; reads and writes make no existence checks. A query is one
// `_find` with `use_index`, a selector that names every indexed field (the
// equality values, `$gte: null` or the paging bound on the others) and the
// sort [fields..., order, _id], all ascending or all descending as Mango
// requires. A json index only holds documents that have every indexed
// field, which is why the generator refuses omitempty on queried fields.
//
// # Paging
//
// Pages are keyset pages, never `skip` and never Mango bookmarks (which
// pouchdb-server does not return). The cursor of a query page is the JSON of
// the last document's order value and ID; the next page adds
// order > v OR (order == v AND _id > id) (reversed when descending) to the
// selector. Listing a collection (no index) reads `_all_docs` with
// include_docs from the last ID on, skipping design documents, which are
// never returned. Every page asks for one row more than it returns, so the
// last page has no next cursor.
//
// # Errors
//
// Errors are mapped by HTTP status, never by text: 404 is not found, 409
// conflict (already exists for a create), 400 invalid argument, 413 too
// large, 401 and 403 an authentication/permission error of kind internal,
// 408, 429, 5xx, network failures and timeouts kind unavailable (retryable).
// A cancelled or expired context is kind canceled. Credentials are only ever
// given to kivik's BasicAuth option, never put in a URL, and every error text
// is scrubbed of the password before it is returned.
//
// # Configuration
//
// The provider reads COUCHDB_URL (http:// or https://, without credentials),
// COUCHDB_USER and COUCHDB_PASSWORD (each of the last two may instead be read
// from the file named by COUCHDB_USER_FILE / COUCHDB_PASSWORD_FILE), and the
// optional COUCHDB_DB_PREFIX. New takes the same settings explicitly, plus an
// optional *http.Client.
//
// # pouchdb-server and Apache CouchDB 3
//
// The tests run against pouchdb-server 4.2.0 (scripts/couchdb.sh); the code
// avoids everything that differs from Apache CouchDB 3:
//   - Anonymous requests can crash pouchdb-server, so the driver refuses to
//     run without credentials.
//   - `_find` returns no bookmark: paging is by key, as above.
//   - pouchdb-find fails on a sort field that the selector does not name, so
//     the selector names every indexed field.
//   - pouchdb-find applies `limit` before it drops the excluded start of a
//     `$gt` bound on the last index field, returning one document too few;
//     so pages ordered by ID use an inclusive bound and drop the cursor's
//     own document.
//   - pouchdb-server's ETag is a hash, not the revision, so kivik's
//     Document.Rev and DB.GetRev are wrong there: revisions are read from
//     the body's `_rev` or from `_all_docs`.
//   - pouchdb-server records a phantom conflict branch (without data) when
//     one `_bulk_docs` holds a stale write and a current one for the same
//     ID; once the winner is deleted, `_all_docs?include_docs=true` crashes
//     the server. A bulk write therefore never sends an ID twice in one
//     request: repeats go in later requests, in input order.
//   - `_bulk_get` answers a missing or deleted document with an empty
//     {"docs":[{}]} where CouchDB 3 sends a not_found error; both are read as
//     not found.
//   - Numbers: pouchdb-server stores JSON numbers as JavaScript doubles, so
//     integers beyond ±2^53 (int64 extremes, big integers in free JSON) lose
//     precision there. CouchDB 3 keeps them. (kivik also re-encodes `_find`
//     selectors through float64, so an equality value beyond 2^53 cannot be
//     matched exactly on either server.)
//   - Databases stay public after an admin is set on pouchdb-server, where
//     CouchDB 3 makes them admin-only.
package couchdb
