// Package runtime is the portable database layer that dbgen's generated
// repositories run on. Applications rarely call it directly: they use the
// generated DB, whose typed repositories embed Repo. This page is organised
// by concept.
//
// # Collections
//
// A Collection is the spec of one collection: its stored name, its ID rule,
// its declared queries and its size limit. The generator emits one per
// annotated struct and a Schema that lists them all: the closed allowlist of
// collections the application may reach. Open takes that Schema; the
// generated DB has one field per collection, so no application-facing API
// takes a collection name as a string and a misspelt collection does not
// compile. Behind that, a Store accepts only the very *Collection values of
// its schema (compared by identity): a hand-made spec with a valid name is
// refused with ErrUnknownCollection.
//
// # IDs
//
// Document IDs follow the collection's IDRule: by default
// ^[A-Za-z0-9_-]+$ and at most 100 bytes; a collection may declare a UUID
// rule or its own pattern. Generated ID types (AgentID, ...) can only be
// made by their parsers, and every operation checks the rule again before
// any I/O, so an invalid ID never reaches a server. An invalid ID is an
// error of kind ErrInvalidID.
//
// # Documents
//
// A document type implements Document: the generated code gives it access
// to its ID and revision fields, a compiled Validate, and a JSON codec for
// its body. The body never carries system fields (`_`-prefixed members);
// the ID and revision travel beside it, and each provider stores them in its
// native form. Every write validates the document (ErrValidation, naming the
// stored field and rule), then checks its encoded size against the
// collection's limit (ErrTooLarge, DefaultMaxBytes unless declared), before
// any I/O. Bad input changes nothing.
//
// Numbers stay exact: typed fields decode into their Go types, and integers
// in free-form JSON (json.RawMessage) travel as JSON number text, never
// through float64.
//
// # Revisions
//
// Every write returns a new opaque revision string, set on the document.
// Replace and DeleteIfRev take the revision the caller read; if the stored
// document has moved on, they fail with ErrConflict and change nothing.
// Update is read-modify-write: it reads, applies the caller's function,
// replaces at the revision read, and on a conflict starts again with
// jittered exponential backoff, bounded by the store's RetryPolicy. No
// update is ever lost: a writer either succeeds on the latest revision or
// gets an error.
//
// # Queries
//
// Only declared queries exist: equality on one or more top-level fields,
// with an optional order on one more field, the document ID breaking ties
// (descending when the order is). Each is an Index in the schema, and each
// provider backs it with a real index (EnsureSchema creates them), so no
// query scans. List returns every document exactly once, in the provider's
// stable order: by ID on memory, CouchDB and Firestore; in the table's
// order on DynamoDB.
//
// List and Query return iterators (iter.Seq2) that fetch one page at a
// time, so memory stays constant whatever the result size; an error ends the
// iteration. ListPage and QueryPage return one page and an opaque token for
// the next, for HTTP paging. A token is bound to its query: reused with
// another query, other values or another collection it is rejected with
// ErrInvalidArgument. Pages hold at most MaxPageSize documents.
//
// # Bulk operations
//
// GetMany returns documents in input order with nil for a missing one; any
// other failure is returned, never turned into "missing". SaveMany creates
// documents without a revision and replaces the others at theirs; DeleteMany
// deletes. Both check every item before any I/O (one bad item refuses the
// whole batch) and then report a per-item outcome in input order. Providers
// with native bulk calls implement GetManyDriver and BulkWriteDriver.
//
// # Errors
//
// Every error is an *Error with a Kind, the operation, the collection and
// the ID, and for validation the stored field path and the rule. Test kinds
// with errors.Is against the sentinels (ErrNotFound, ErrAlreadyExists,
// ErrConflict, ErrInvalidID, ErrValidation, ErrTooLarge,
// ErrUnknownCollection, ErrUnavailable, ErrInvalidArgument, ErrCanceled).
// ErrUnavailable is transient (IsRetryable). A canceled or expired context
// yields ErrCanceled wrapping the context's error, so errors.Is(err,
// context.Canceled) holds too. Providers map native errors by status or
// code, never by message text. No error text contains a credential or a
// document body.
//
// # Configuration
//
// Open picks the provider from WithDriver, WithProvider, or the
// DATABASE_PROVIDER variable: memory (the default), couchdb, firestore or
// dynamodb. An unknown value is an error that lists the valid ones; nothing
// falls back silently. Providers register themselves when imported, as
// database/sql drivers do (the generated code imports the memory provider;
// import runtime/couchdb and the others as needed), and read their own
// variables (COUCHDB_URL, COUCHDB_USER, COUCHDB_PASSWORD, DYNAMODB_REGION,
// DYNAMODB_ENDPOINT_URL, FIRESTORE_EMULATOR_HOST, GOOGLE_CLOUD_PROJECT, ...).
// Credentials come only from the environment or from files named by the
// matching _FILE variable (Secret). WithEnv substitutes the environment,
// for tests and explicit configuration.
//
// Store.EnsureSchema is the one provisioning step: it creates databases,
// tables and indexes. Reads and writes never create anything.
//
// # Drivers
//
// A provider implements Driver, a small interface over RawDoc values; the
// core has already checked everything that does not need the server. The
// package drivertest is the conformance suite every provider passes.
package runtime
