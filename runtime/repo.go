package runtime

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// Document is what the generator emits for every collection type T: access
// to the ID and revision fields, the compiled validation, and the body codec
// (JSON without system fields).
type Document[T any] interface {
	*T
	DocumentID() string
	DocumentRev() string
	SetDocumentMeta(id, rev string)
	Validate() error
	MarshalDocument() ([]byte, error)
	UnmarshalDocument(body []byte) error
}

// ID is the constraint of typed document IDs (AgentID, ...). Generated ID
// types can only be made by their parsers, so holding one means its rule
// was checked; the core checks it again before any I/O regardless.
type ID interface {
	comparable
	String() string
}

// Repo is the typed repository of one collection. Generated repositories
// embed it and add the typed finders of the declared queries.
type Repo[T any, PT Document[T], K ID] struct {
	store *Store
	coll  *Collection
	err   error // non-nil when coll is not in the store's schema
}

// NewRepo returns the repository of c in s. If c is not one of the specs of
// the schema s was opened with, every call fails with kind unknown collection.
func NewRepo[T any, PT Document[T], K ID](s *Store, c *Collection) *Repo[T, PT, K] {
	r := &Repo[T, PT, K]{store: s, coll: c}
	if s == nil || c == nil || !s.schema.Has(c) {
		name := ""
		if c != nil {
			name = c.Name
		}
		r.err = &Error{Kind: KindUnknownCollection, Collection: name}
	}
	return r
}

// Collection returns the collection spec.
func (r *Repo[T, PT, K]) Collection() *Collection { return r.coll }

// begin runs the checks every operation starts with: the collection is in
// the schema, the context is live, and the ID (if any) satisfies the rule.
func (r *Repo[T, PT, K]) begin(ctx context.Context, op, id string, checkID bool) error {
	if r.err != nil {
		return annotate(r.err, op, "", id)
	}
	if err := ctx.Err(); err != nil {
		return annotate(err, op, r.coll.Name, id)
	}
	if checkID {
		if err := r.coll.ID.Check(id); err != nil {
			return annotate(err, op, r.coll.Name, id)
		}
	}
	return nil
}

func (r *Repo[T, PT, K]) fail(err error, op, id string) error {
	return annotate(err, op, r.coll.Name, id)
}

// encode checks and encodes a document for writing.
func (r *Repo[T, PT, K]) encode(op string, doc *T) (RawDoc, error) {
	if doc == nil {
		return RawDoc{}, r.fail(&Error{Kind: KindInvalidArgument, Err: errors.New("nil document")}, op, "")
	}
	p := PT(doc)
	id := p.DocumentID()
	if err := r.coll.ID.Check(id); err != nil {
		return RawDoc{}, r.fail(err, op, id)
	}
	if err := p.Validate(); err != nil {
		return RawDoc{}, r.fail(err, op, id)
	}
	body, err := p.MarshalDocument()
	if err != nil {
		return RawDoc{}, r.fail(&Error{Kind: KindValidation, Err: err}, op, id)
	}
	if len(body) > r.coll.maxBytes() {
		return RawDoc{}, r.fail(&Error{Kind: KindTooLarge, Err: fmt.Errorf("%d bytes encoded, limit %d", len(body), r.coll.maxBytes())}, op, id)
	}
	return RawDoc{ID: id, Rev: p.DocumentRev(), Body: body}, nil
}

func (r *Repo[T, PT, K]) decode(op string, raw RawDoc) (*T, error) {
	doc := new(T)
	if err := PT(doc).UnmarshalDocument(raw.Body); err != nil {
		return nil, r.fail(&Error{Kind: KindInternal, Err: fmt.Errorf("decoding stored document: %w", err)}, op, raw.ID)
	}
	PT(doc).SetDocumentMeta(raw.ID, raw.Rev)
	return doc, nil
}

// Get returns the document with the given ID.
func (r *Repo[T, PT, K]) Get(ctx context.Context, id K) (*T, error) {
	const op = "get"
	sid := id.String()
	if err := r.begin(ctx, op, sid, true); err != nil {
		return nil, err
	}
	raw, err := r.store.driver.Get(ctx, r.coll, sid)
	if err != nil {
		return nil, r.fail(err, op, sid)
	}
	return r.decode(op, raw)
}

// Create stores a new document under its ID and sets its revision. It fails
// with kind already exists if the ID is taken.
func (r *Repo[T, PT, K]) Create(ctx context.Context, doc *T) error {
	const op = "create"
	if err := r.begin(ctx, op, "", false); err != nil {
		return err
	}
	raw, err := r.encode(op, doc)
	if err != nil {
		return err
	}
	rev, err := r.store.driver.Create(ctx, r.coll, raw)
	if err != nil {
		return r.fail(err, op, raw.ID)
	}
	PT(doc).SetDocumentMeta(raw.ID, rev)
	return nil
}

// Replace overwrites the stored document, which must still be at doc's
// revision, and sets the new revision. A stale revision fails with kind
// conflict and changes nothing.
func (r *Repo[T, PT, K]) Replace(ctx context.Context, doc *T) error {
	const op = "replace"
	if err := r.begin(ctx, op, "", false); err != nil {
		return err
	}
	raw, err := r.encode(op, doc)
	if err != nil {
		return err
	}
	if raw.Rev == "" {
		return r.fail(&Error{Kind: KindConflict, Err: errors.New("no revision given")}, op, raw.ID)
	}
	rev, err := r.store.driver.Replace(ctx, r.coll, raw)
	if err != nil {
		return r.fail(err, op, raw.ID)
	}
	PT(doc).SetDocumentMeta(raw.ID, rev)
	return nil
}

// Update reads the document, applies fn to it and replaces it at the
// revision read. On a conflict it starts again, with backoff, up to the
// store's retry policy; so fn may run more than once and must only change
// the document. An error from fn aborts the update and is returned as is.
func (r *Repo[T, PT, K]) Update(ctx context.Context, id K, fn func(*T) error) (*T, error) {
	const op = "update"
	sid := id.String()
	if err := r.begin(ctx, op, sid, true); err != nil {
		return nil, err
	}
	policy := r.store.retry
	var lastErr error
	for attempt := 1; attempt <= max(policy.MaxAttempts, 1); attempt++ {
		if attempt > 1 {
			if err := policy.backoff(ctx, attempt-1); err != nil {
				return nil, r.fail(err, op, sid)
			}
		}
		doc, err := r.Get(ctx, id)
		if err != nil {
			return nil, r.fail(err, op, sid)
		}
		rev := PT(doc).DocumentRev()
		if err := fn(doc); err != nil {
			return nil, err
		}
		PT(doc).SetDocumentMeta(sid, rev) // fn cannot move the document or forge a revision
		err = r.Replace(ctx, doc)
		if err == nil {
			return doc, nil
		}
		if !errors.Is(err, ErrConflict) {
			return nil, r.fail(err, op, sid)
		}
		lastErr = err
	}
	return nil, r.fail(lastErr, op, sid)
}

// Delete removes the document whatever its revision. A missing document
// fails with kind not found.
func (r *Repo[T, PT, K]) Delete(ctx context.Context, id K) error {
	return r.delete(ctx, id.String(), "")
}

// DeleteIfRev removes the document only if it is still at rev; otherwise it
// fails with kind conflict and changes nothing.
func (r *Repo[T, PT, K]) DeleteIfRev(ctx context.Context, id K, rev string) error {
	if rev == "" {
		return r.fail(&Error{Kind: KindConflict, Err: errors.New("no revision given")}, "delete", id.String())
	}
	return r.delete(ctx, id.String(), rev)
}

func (r *Repo[T, PT, K]) delete(ctx context.Context, id, rev string) error {
	const op = "delete"
	if err := r.begin(ctx, op, id, true); err != nil {
		return err
	}
	return r.fail(r.store.driver.Delete(ctx, r.coll, id, rev), op, id)
}

// bulkChunk bounds one driver bulk call.
const bulkChunk = 100

// GetMany returns the documents in the order of ids, with nil where a
// document does not exist. Any other failure is returned, never swallowed.
// Every ID is checked before any I/O.
func (r *Repo[T, PT, K]) GetMany(ctx context.Context, ids []K) ([]*T, error) {
	const op = "get many"
	if err := r.begin(ctx, op, "", false); err != nil {
		return nil, err
	}
	sids := make([]string, len(ids))
	for i, id := range ids {
		sids[i] = id.String()
		if err := r.coll.ID.Check(sids[i]); err != nil {
			return nil, r.fail(err, op, sids[i])
		}
	}
	out := make([]*T, 0, len(ids))
	for start := 0; start < len(sids); start += bulkChunk {
		chunk := sids[start:min(start+bulkChunk, len(sids))]
		results, err := r.getMany(ctx, chunk)
		if err != nil {
			return nil, r.fail(err, op, "")
		}
		for i, res := range results {
			switch {
			case res.Err == nil:
				doc, err := r.decode(op, res.Doc)
				if err != nil {
					return nil, err
				}
				out = append(out, doc)
			case errors.Is(res.Err, ErrNotFound):
				out = append(out, nil)
			default:
				return nil, r.fail(res.Err, op, chunk[i])
			}
		}
	}
	return out, nil
}

func (r *Repo[T, PT, K]) getMany(ctx context.Context, ids []string) ([]Result, error) {
	if d, ok := r.store.driver.(GetManyDriver); ok {
		res, err := d.GetMany(ctx, r.coll, ids)
		if err == nil && len(res) != len(ids) {
			err = &Error{Kind: KindInternal, Err: fmt.Errorf("driver returned %d results for %d IDs", len(res), len(ids))}
		}
		return res, err
	}
	res := make([]Result, len(ids))
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res[i].Doc, res[i].Err = r.store.driver.Get(ctx, r.coll, id)
	}
	return res, nil
}

// SaveMany writes each document: created when it has no revision, replaced
// at its revision otherwise. Every document is checked and validated before
// any I/O; if any fails, nothing is written and the error names the items.
// Otherwise the returned slice holds each item's outcome in input order (nil
// on success, when the document's revision has been set); items are
// independent. A non-nil error means the request as a whole failed.
func (r *Repo[T, PT, K]) SaveMany(ctx context.Context, docs []*T) ([]error, error) {
	const op = "save many"
	if err := r.begin(ctx, op, "", false); err != nil {
		return nil, err
	}
	writes := make([]Write, len(docs))
	var bad []error
	for i, doc := range docs {
		raw, err := r.encode(op, doc)
		if err != nil {
			bad = append(bad, fmt.Errorf("item %d: %w", i, err))
			continue
		}
		kind := WriteReplace
		if raw.Rev == "" {
			kind = WriteCreate
		}
		writes[i] = Write{Kind: kind, Doc: raw}
	}
	if bad != nil {
		return nil, errors.Join(bad...)
	}
	results, err := r.bulkWrite(ctx, op, writes)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(docs))
	for i, res := range results {
		if res.Err != nil {
			errs[i] = r.fail(res.Err, op, writes[i].Doc.ID)
			continue
		}
		PT(docs[i]).SetDocumentMeta(writes[i].Doc.ID, res.Rev)
	}
	return errs, nil
}

// DeleteMany deletes each document whatever its revision. The returned slice
// holds each item's outcome in input order: nil, or an error such as kind
// not found for a missing document. Every ID is checked before any I/O.
func (r *Repo[T, PT, K]) DeleteMany(ctx context.Context, ids []K) ([]error, error) {
	const op = "delete many"
	if err := r.begin(ctx, op, "", false); err != nil {
		return nil, err
	}
	writes := make([]Write, len(ids))
	for i, id := range ids {
		sid := id.String()
		if err := r.coll.ID.Check(sid); err != nil {
			return nil, r.fail(err, op, sid)
		}
		writes[i] = Write{Kind: WriteDelete, Doc: RawDoc{ID: sid}}
	}
	results, err := r.bulkWrite(ctx, op, writes)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(ids))
	for i, res := range results {
		errs[i] = r.fail(res.Err, op, writes[i].Doc.ID)
	}
	return errs, nil
}

func (r *Repo[T, PT, K]) bulkWrite(ctx context.Context, op string, writes []Write) ([]WriteResult, error) {
	out := make([]WriteResult, 0, len(writes))
	bulk, native := r.store.driver.(BulkWriteDriver)
	for start := 0; start < len(writes); start += bulkChunk {
		chunk := writes[start:min(start+bulkChunk, len(writes))]
		if err := ctx.Err(); err != nil {
			return nil, r.fail(err, op, "")
		}
		if native {
			res, err := bulk.BulkWrite(ctx, r.coll, chunk)
			if err == nil && len(res) != len(chunk) {
				err = &Error{Kind: KindInternal, Err: fmt.Errorf("driver returned %d results for %d writes", len(res), len(chunk))}
			}
			if err != nil {
				return nil, r.fail(err, op, "")
			}
			out = append(out, res...)
			continue
		}
		for _, w := range chunk {
			out = append(out, writeOne(ctx, r.store.driver, r.coll, w))
		}
	}
	return out, nil
}

// writeOne is the fallback for drivers without a native bulk write.
func writeOne(ctx context.Context, d Driver, c *Collection, w Write) WriteResult {
	var res WriteResult
	switch w.Kind {
	case WriteCreate:
		res.Rev, res.Err = d.Create(ctx, c, w.Doc)
	case WriteReplace:
		res.Rev, res.Err = d.Replace(ctx, c, w.Doc)
	case WriteDelete:
		res.Err = d.Delete(ctx, c, w.Doc.ID, w.Doc.Rev)
	default:
		res.Err = &Error{Kind: KindInternal, Err: fmt.Errorf("unknown write kind %d", w.Kind)}
	}
	return res
}

// List iterates over every document of the collection exactly once, in the
// provider's stable order (by ID on memory, CouchDB and Firestore; by the
// table's scan order on DynamoDB). It fetches one page at a time, so memory
// stays constant whatever the collection's size. An error ends the iteration.
func (r *Repo[T, PT, K]) List(ctx context.Context) iter.Seq2[*T, error] {
	return r.iterate(ctx, "list", nil, nil)
}

// ListPage returns one page of List, for HTTP paging.
func (r *Repo[T, PT, K]) ListPage(ctx context.Context, req PageRequest) (Page[T], error) {
	return r.page(ctx, "list", nil, req, nil)
}

// Query iterates over the results of the declared query ix with the given
// equality values, one page at a time. Generated finders call it; ix must be
// one of the collection's own indexes.
func (r *Repo[T, PT, K]) Query(ctx context.Context, ix *Index, values ...any) iter.Seq2[*T, error] {
	return r.iterate(ctx, "query", ix, values)
}

// QueryPage returns one page of Query, for HTTP paging.
func (r *Repo[T, PT, K]) QueryPage(ctx context.Context, ix *Index, req PageRequest, values ...any) (Page[T], error) {
	return r.page(ctx, "query", ix, req, values)
}

// prepare checks a query and returns its driver form and fingerprint.
func (r *Repo[T, PT, K]) prepare(ctx context.Context, op string, ix *Index, values []any, limit int) (DriverQuery, []byte, error) {
	if err := r.begin(ctx, op, "", false); err != nil {
		return DriverQuery{}, nil, err
	}
	if ix != nil && !r.store.schema.hasIndex(r.coll, ix) {
		return DriverQuery{}, nil, r.fail(&Error{Kind: KindInvalidArgument, Err: errors.New("query is not declared in the schema")}, op, "")
	}
	nFields := 0
	if ix != nil {
		nFields = len(ix.Fields)
	}
	if len(values) != nFields {
		return DriverQuery{}, nil, r.fail(&Error{Kind: KindInvalidArgument, Err: fmt.Errorf("query %s takes %d values, got %d", ix.Name, nFields, len(values))}, op, "")
	}
	norm := make([]any, len(values))
	for i, v := range values {
		nv, err := QueryValue(v)
		if err != nil {
			return DriverQuery{}, nil, r.fail(&Error{Kind: KindInvalidArgument, Err: err}, op, "")
		}
		norm[i] = nv
	}
	switch {
	case limit == 0:
		limit = DefaultPageSize
	case limit < 0 || limit > MaxPageSize:
		return DriverQuery{}, nil, r.fail(&Error{Kind: KindInvalidArgument, Err: fmt.Errorf("page limit %d outside 1..%d", limit, MaxPageSize)}, op, "")
	}
	return DriverQuery{Index: ix, Values: norm, Limit: limit}, fingerprint(r.coll, ix, norm), nil
}

func (r *Repo[T, PT, K]) page(ctx context.Context, op string, ix *Index, req PageRequest, values []any) (Page[T], error) {
	q, fp, err := r.prepare(ctx, op, ix, values, req.Limit)
	if err != nil {
		return Page[T]{}, err
	}
	if q.Cursor, err = decodeToken(fp, req.Token); err != nil {
		return Page[T]{}, r.fail(err, op, "")
	}
	dp, err := r.store.driver.Query(ctx, r.coll, q)
	if err != nil {
		return Page[T]{}, r.fail(err, op, "")
	}
	p := Page[T]{Items: make([]*T, 0, len(dp.Docs)), Next: encodeToken(fp, dp.Next)}
	for _, raw := range dp.Docs {
		doc, err := r.decode(op, raw)
		if err != nil {
			return Page[T]{}, err
		}
		p.Items = append(p.Items, doc)
	}
	return p, nil
}

func (r *Repo[T, PT, K]) iterate(ctx context.Context, op string, ix *Index, values []any) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		q, _, err := r.prepare(ctx, op, ix, values, DefaultPageSize)
		if err != nil {
			yield(nil, err)
			return
		}
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, r.fail(err, op, ""))
				return
			}
			dp, err := r.store.driver.Query(ctx, r.coll, q)
			if err != nil {
				yield(nil, r.fail(err, op, ""))
				return
			}
			for _, raw := range dp.Docs {
				doc, err := r.decode(op, raw)
				if !yield(doc, err) || err != nil {
					return
				}
			}
			if dp.Next == "" {
				return
			}
			q.Cursor = dp.Next
		}
	}
}
