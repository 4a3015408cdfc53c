package runtime

import "context"

// RawDoc is a document as drivers see it: its ID, its revision and its body,
// a JSON object of the application's fields. The core never passes system
// fields (`_`-prefixed members) in Body; a driver may return them in Body
// (CouchDB does) and the core ignores them.
type RawDoc struct {
	ID   string
	Rev  string
	Body []byte
}

// Driver is what a provider implements. The core has already checked the
// collection against the schema, the IDs against the collection's rule, the
// documents against their validation and size rules, and the context, so a
// driver only talks to its server and maps the server's errors to *Error
// kinds (by status or code, never by message text).
//
// Every method must be safe for concurrent use.
type Driver interface {
	// Get returns the current document, or an error of kind not found.
	Get(ctx context.Context, c *Collection, id string) (RawDoc, error)
	// Create stores a new document and returns its first revision; kind
	// already exists if the ID is taken.
	Create(ctx context.Context, c *Collection, doc RawDoc) (rev string, err error)
	// Replace overwrites the document whose current revision is doc.Rev and
	// returns the new revision. A stale doc.Rev is a conflict and changes
	// nothing; a missing document is not found.
	Replace(ctx context.Context, c *Collection, doc RawDoc) (rev string, err error)
	// Delete removes the document. With rev != "" the current revision must
	// equal it (else conflict); a missing document is not found.
	Delete(ctx context.Context, c *Collection, id, rev string) error
	// Query returns one page of a declared query, or of the whole collection
	// when q.Index is nil, in the provider's stable order.
	Query(ctx context.Context, c *Collection, q DriverQuery) (DriverPage, error)
	// EnsureSchema creates what the schema needs (databases, tables,
	// indexes). It is the only method that creates anything; it is idempotent.
	EnsureSchema(ctx context.Context, s *Schema) error
	// Close releases the driver's resources.
	Close() error
}

// DriverQuery is a page request for Driver.Query.
type DriverQuery struct {
	Index  *Index // nil: every document of the collection
	Values []any  // equality values for Index.Fields, in order: string, int64, float64 or bool
	Limit  int    // page size, > 0
	Cursor string // the driver's own cursor from the previous page; "" for the first
}

// DriverPage is one page of results. Next is "" after the last page.
type DriverPage struct {
	Docs []RawDoc
	Next string
}

// Result is a per-item outcome of a bulk read.
type Result struct {
	Doc RawDoc
	Err error // kind not found for a missing document
}

// GetManyDriver is implemented by drivers with a native bulk read. Results
// are in input order. A non-nil error means the whole request failed.
type GetManyDriver interface {
	GetMany(ctx context.Context, c *Collection, ids []string) ([]Result, error)
}

// WriteKind says what a bulk write item does.
type WriteKind uint8

const (
	WriteCreate  WriteKind = iota + 1 // Doc.Rev is ignored; fails if the ID exists
	WriteReplace                      // Doc.Rev is the expected current revision
	WriteDelete                       // Doc.Rev is the expected revision, or "" for any
)

// Write is one item of a bulk write.
type Write struct {
	Kind WriteKind
	Doc  RawDoc // for deletes only ID and Rev are used
}

// WriteResult is a per-item outcome of a bulk write: the new revision, or an
// error (deletes report no revision).
type WriteResult struct {
	Rev string
	Err error
}

// BulkWriteDriver is implemented by drivers with a native bulk write. Results
// are in input order; items are independent (one failing does not undo the
// others). A non-nil error means the whole request failed.
type BulkWriteDriver interface {
	BulkWrite(ctx context.Context, c *Collection, writes []Write) ([]WriteResult, error)
}
