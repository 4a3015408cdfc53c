package couchdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	kivik "github.com/go-kivik/kivik/v4"

	"github.com/dbgen/dbgen/runtime"
)

// EnsureSchema creates every collection's database if missing and one Mango
// index per declared query. It is idempotent.
func (d *Driver) EnsureSchema(ctx context.Context, s *runtime.Schema) error {
	for _, c := range s.Collections() {
		name := d.DBName(c)
		err := d.client.CreateDB(ctx, name)
		if err != nil && kivik.HTTPStatus(err) != http.StatusPreconditionFailed {
			return d.fail(ctx, err, "creating database "+name)
		}
		db := d.client.DB(name)
		for _, ix := range c.Indexes {
			if err := db.CreateIndex(ctx, designDoc(ix), ix.Name, indexDef(ix)); err != nil {
				return d.fail(ctx, err, fmt.Sprintf("creating index %s of database %s", ix.Name, name))
			}
		}
	}
	return nil
}

// designDoc is the design document (without "_design/") of an index: one
// per index, so that changing one does not rebuild the others.
func designDoc(ix *runtime.Index) string { return "dbgen_" + ix.Name }

// indexFields are the fields of an index's Mango index and sort, in order:
// the equality fields, the order field, then _id.
func indexFields(ix *runtime.Index) []string {
	var names []string
	add := func(n string) {
		for _, x := range names {
			if x == n {
				return
			}
		}
		names = append(names, n)
	}
	for _, f := range ix.Fields {
		add(f.Name)
	}
	if ix.OrderBy != nil {
		add(ix.OrderBy.Name)
	}
	add("_id")
	return names
}

func direction(ix *runtime.Index) string {
	if ix.Desc {
		return "desc"
	}
	return "asc"
}

// sortSpec is the Mango sort of ix: every field in the one direction, as
// Mango requires.
func sortSpec(ix *runtime.Index) []map[string]string {
	dir := direction(ix)
	var spec []map[string]string
	for _, n := range indexFields(ix) {
		spec = append(spec, map[string]string{n: dir})
	}
	return spec
}

// indexDef is the Mango index of ix. Its fields are ascending: CouchDB and
// pouchdb-find serve a descending sort by reading an ascending index
// backwards, and plain field names are the most portable definition.
func indexDef(ix *runtime.Index) map[string]any { return map[string]any{"fields": indexFields(ix)} }

// Query returns one page of a declared query, or of the whole collection.
func (d *Driver) Query(ctx context.Context, c *runtime.Collection, q runtime.DriverQuery) (runtime.DriverPage, error) {
	if q.Limit <= 0 {
		return runtime.DriverPage{}, &runtime.Error{Kind: runtime.KindInvalidArgument, Err: fmt.Errorf("page limit %d", q.Limit)}
	}
	if q.Index == nil {
		return d.list(ctx, c, q)
	}
	return d.find(ctx, c, q)
}

// cursor is the position after the last document of a query page.
type cursor struct {
	V  json.RawMessage `json:"v,omitempty"` // the order field's value; absent when ordered by ID
	ID string          `json:"id"`
}

var errBadCursor = &runtime.Error{Kind: runtime.KindInvalidArgument, Rule: "page token", Err: errors.New("malformed page cursor")}

// decodeCursor parses and checks a cursor. Tokens come from clients, so the
// value must be a JSON scalar: an object would be read as Mango operators.
func decodeCursor(s string, ordered bool) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	var cur cursor
	if err := json.Unmarshal([]byte(s), &cur); err != nil || cur.ID == "" {
		return nil, errBadCursor
	}
	v := bytes.TrimSpace(cur.V)
	if ordered && (len(v) == 0 || v[0] == '{' || v[0] == '[') || !ordered && len(v) != 0 {
		return nil, errBadCursor
	}
	cur.V = v
	return &cur, nil
}

// selector builds the Mango selector of a page. It names every indexed field
// (pouchdb-find fails on a sort field the selector does not name):
// equalities, then either `$gte: null` (anything) or the keyset bound from
// the cursor on the order field and _id.
func selector(ix *runtime.Index, values []any, cur *cursor) map[string]any {
	sel := map[string]any{}
	cond := func(field, op string, v any) {
		m, _ := sel[field].(map[string]any)
		if m == nil {
			m = map[string]any{}
			sel[field] = m
		}
		m[op] = v
	}
	for i, f := range ix.Fields {
		cond(f.Name, "$eq", values[i])
	}
	gt, gte := "$gt", "$gte"
	if ix.Desc {
		gt, gte = "$lt", "$lte"
	}
	switch {
	case cur == nil:
		if ix.OrderBy != nil {
			cond(ix.OrderBy.Name, "$gte", nil)
		}
		cond("_id", "$gt", nil)
	case ix.OrderBy == nil:
		cond("_id", gte, cur.ID) // inclusive: see find
	default:
		of := ix.OrderBy.Name
		// order >= v (narrows the index range), and order > v or _id > id.
		cond(of, gte, cur.V)
		cond("_id", "$gt", nil)
		sel["$or"] = []any{
			map[string]any{of: map[string]any{gt: cur.V}},
			map[string]any{"_id": map[string]any{gt: cur.ID}},
		}
	}
	return sel
}

func (d *Driver) find(ctx context.Context, c *runtime.Collection, q runtime.DriverQuery) (runtime.DriverPage, error) {
	ix := q.Index
	if len(q.Values) != len(ix.Fields) {
		return runtime.DriverPage{}, &runtime.Error{Kind: runtime.KindInvalidArgument, Err: fmt.Errorf("query %s takes %d values, got %d", ix.Name, len(ix.Fields), len(q.Values))}
	}
	cur, err := decodeCursor(q.Cursor, ix.OrderBy != nil)
	if err != nil {
		return runtime.DriverPage{}, err
	}
	// One document more than the page: is there a next one? When ordered
	// by ID the bound is inclusive, so one more again: the cursor's own
	// document may come back and is dropped. (pouchdb-find applies the limit
	// before it drops the start of an exclusive `$gt` bound, so `$gt` on the
	// last index field returns too few documents.)
	byID := cur != nil && ix.OrderBy == nil
	limit := q.Limit + 1
	if byID {
		limit++
	}
	query := map[string]any{
		"selector":  selector(ix, q.Values, cur),
		"sort":      sortSpec(ix),
		"limit":     limit,
		"use_index": []string{designDoc(ix), ix.Name},
	}
	rs := d.db(c).Find(ctx, query)
	defer rs.Close()
	var docs []runtime.RawDoc
	var last json.RawMessage
	for rs.Next() {
		var body json.RawMessage
		if err := rs.ScanDoc(&body); err != nil {
			return runtime.DriverPage{}, d.fail(ctx, err, "")
		}
		doc, err := rawDoc(body)
		if err != nil {
			return runtime.DriverPage{}, err
		}
		if byID && doc.ID == cur.ID {
			continue
		}
		if len(docs) == q.Limit-1 {
			last = body
		}
		docs = append(docs, doc)
	}
	if err := rs.Err(); err != nil {
		return runtime.DriverPage{}, d.fail(ctx, err, "")
	}
	if len(docs) <= q.Limit {
		return runtime.DriverPage{Docs: docs}, nil
	}
	docs = docs[:q.Limit]
	next := cursor{ID: docs[q.Limit-1].ID}
	if ix.OrderBy != nil {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(last, &fields); err != nil || fields[ix.OrderBy.Name] == nil {
			return runtime.DriverPage{}, &runtime.Error{Kind: runtime.KindInternal, Err: fmt.Errorf("document %q has no order field %q", next.ID, ix.OrderBy.Name)}
		}
		next.V = fields[ix.OrderBy.Name]
	}
	b, err := json.Marshal(next)
	if err != nil {
		return runtime.DriverPage{}, &runtime.Error{Kind: runtime.KindInternal, Err: err}
	}
	return runtime.DriverPage{Docs: docs, Next: string(b)}, nil
}

// list pages through `_all_docs` by ID. The cursor is the last stored ID
// returned.
// Design documents are skipped, and rows are read until the page has one
// document more than asked (or the database ends), so that the page is full
// and the last page has no next cursor.
func (d *Driver) list(ctx context.Context, c *runtime.Collection, q runtime.DriverQuery) (runtime.DriverPage, error) {
	db := d.db(c)
	need := q.Limit + 1
	docs := make([]runtime.RawDoc, 0, need)
	start := q.Cursor // rows from start on; the row start itself was already returned
	for len(docs) < need {
		batch := need - len(docs) + 1 + len(c.Indexes) // + the start row + likely design docs
		opts := kivik.Params(map[string]any{"include_docs": true, "limit": batch})
		if start != "" {
			opts = kivik.Params(map[string]any{"include_docs": true, "limit": batch, "startkey": start})
		}
		rs := db.AllDocs(ctx, opts)
		rows := 0
		for rs.Next() {
			rows++
			id, err := rs.ID()
			if err != nil {
				rs.Close()
				return runtime.DriverPage{}, d.fail(ctx, err, "")
			}
			if (start != "" && id == start) || strings.HasPrefix(id, "_design/") || len(docs) == need {
				start = id
				continue
			}
			start = id
			var body json.RawMessage
			if err := rs.ScanDoc(&body); err != nil {
				rs.Close()
				return runtime.DriverPage{}, d.fail(ctx, err, "")
			}
			doc, err := rawDoc(body)
			if err != nil {
				rs.Close()
				return runtime.DriverPage{}, err
			}
			docs = append(docs, doc)
		}
		err := rs.Err()
		rs.Close()
		if err != nil {
			return runtime.DriverPage{}, d.fail(ctx, err, "")
		}
		if rows < batch {
			break // the end of the database
		}
	}
	if len(docs) <= q.Limit {
		return runtime.DriverPage{Docs: docs}, nil
	}
	docs = docs[:q.Limit]
	return runtime.DriverPage{Docs: docs, Next: docs[q.Limit-1].ID}, nil
}

// rawDoc splits a stored body into its ID, revision and application fields.
// The `_`-prefixed members (`_id`, `_rev`, `_attachments`, `_conflicts`, ...)
// are left out of the returned body, whose other members keep their exact
// text. A tombstone (`_deleted`) is kind not found.
func rawDoc(body json.RawMessage) (runtime.RawDoc, error) {
	bad := func(why string) error {
		return &runtime.Error{Kind: runtime.KindInternal, Err: errors.New("server returned a malformed document: " + why)}
	}
	var doc runtime.RawDoc
	var deleted bool
	var b strings.Builder
	b.WriteByte('{')
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return doc, bad("not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return doc, bad(err.Error())
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return doc, bad(err.Error())
		}
		var dst any
		switch key {
		case "_id":
			dst = &doc.ID
		case "_rev":
			dst = &doc.Rev
		case "_deleted":
			dst = &deleted
		}
		if dst != nil {
			if err := json.Unmarshal(v, dst); err != nil {
				return doc, bad(key + ": " + err.Error())
			}
		}
		if strings.HasPrefix(key, "_") {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeJSON(&b, key)
		b.WriteByte(':')
		b.Write(v)
	}
	if doc.ID == "" {
		return doc, bad("no _id")
	}
	if deleted {
		return runtime.RawDoc{}, &runtime.Error{Kind: runtime.KindNotFound}
	}
	b.WriteByte('}')
	doc.Body = []byte(b.String())
	return doc, nil
}
