package couchdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	kivik "github.com/go-kivik/kivik/v4"

	"github.com/dbgen/dbgen/runtime"
)

// GetMany reads documents with one `_bulk_get`; results are in input order.
//
// Without a requested revision, the only per-document outcome besides the
// document is "not found": CouchDB 3 reports it as a not_found error item,
// pouchdb-server as an empty item, and a deleted document may come back as a
// tombstone. Whole-request failures (authentication, a missing database,
// network) are returned as the call's error, never as missing documents.
func (d *Driver) GetMany(ctx context.Context, c *runtime.Collection, ids []string) ([]runtime.Result, error) {
	out := make([]runtime.Result, len(ids))
	refs := make([]kivik.BulkGetReference, len(ids))
	for i, id := range ids {
		refs[i] = kivik.BulkGetReference{ID: id}
	}
	found := map[string]runtime.RawDoc{}
	if len(refs) > 0 {
		rs := d.db(c).BulkGet(ctx, refs)
		defer rs.Close()
		for rs.Next() {
			if _, rowErr := rs.ID(); rowErr != nil {
				continue // CouchDB 3: {"error": {"error": "not_found", ...}}
			}
			var body json.RawMessage
			if err := rs.ScanDoc(&body); errors.Is(err, io.EOF) {
				continue // pouchdb-server: {"docs": [{}]}
			} else if err != nil {
				return nil, d.fail(ctx, err, "")
			}
			doc, err := rawDoc(body)
			if runtime.KindOf(err) == runtime.KindNotFound {
				continue // a tombstone
			} else if err != nil {
				return nil, err
			}
			found[doc.ID] = doc // the application ID
		}
		if err := rs.Err(); err != nil {
			return nil, d.fail(ctx, err, "")
		}
	}
	for i, id := range ids {
		if doc, ok := found[id]; ok {
			out[i].Doc = doc
		} else {
			out[i].Err = &runtime.Error{Kind: runtime.KindNotFound}
		}
	}
	return out, nil
}

// BulkWrite applies writes with one `_bulk_docs` (plus one `_all_docs?keys=`
// beforehand when deletes of whatever revision need the current revisions,
// and one afterwards to tell "missing" from "stale" when CouchDB answers 409
// to a write at a revision). Results are in input order; items are
// independent.
func (d *Driver) BulkWrite(ctx context.Context, c *runtime.Collection, writes []runtime.Write) ([]runtime.WriteResult, error) {
	db := d.db(c)
	out := make([]runtime.WriteResult, len(writes))
	tries := make([]int, len(writes))
	pending := make([]int, len(writes))
	for i := range writes {
		pending[i] = i
	}
	for len(pending) > 0 {
		// One `_bulk_docs` never holds an ID twice: pouchdb-server records a
		// phantom conflict branch when a stale item precedes a current one
		// for the same ID, and splitting applies repeats in input order on
		// every server.
		seen := map[string]bool{}
		var round, later []int
		for _, i := range pending {
			if sid := writes[i].Doc.ID; !seen[sid] {
				seen[sid] = true
				round = append(round, i)
			} else {
				later = append(later, i)
			}
		}
		retry, err := d.bulkRound(ctx, db, writes, round, tries, out)
		if err != nil {
			return nil, err
		}
		pending = append(retry, later...)
		slices.Sort(pending)
	}
	return out, nil
}

// bulkRound sends one `_bulk_docs` for the writes round (distinct IDs) and
// fills in their results; it returns the deletes of whatever revision that
// lost a race with another write, to be tried again.
func (d *Driver) bulkRound(ctx context.Context, db *kivik.DB, writes []runtime.Write, round, tries []int, out []runtime.WriteResult) ([]int, error) {
	// Current revisions for deletes of whatever revision.
	var anyIDs []string
	for _, i := range round {
		if writes[i].Kind == runtime.WriteDelete && writes[i].Doc.Rev == "" {
			anyIDs = append(anyIDs, writes[i].Doc.ID)
		}
	}
	var revs map[string]string
	if len(anyIDs) > 0 {
		var err error
		if revs, err = d.currentRevs(ctx, db, anyIDs); err != nil {
			return nil, err
		}
	}
	var docs []any
	var sent []int
	for _, i := range round {
		body, err := bulkBody(writes[i], revs)
		if err != nil {
			out[i].Err = err
			continue
		}
		docs = append(docs, body)
		sent = append(sent, i)
	}
	if len(docs) == 0 {
		return nil, nil
	}
	results, err := db.BulkDocs(ctx, docs)
	if err != nil {
		return nil, d.fail(ctx, err, "")
	}
	if len(results) != len(docs) {
		return nil, &runtime.Error{Kind: runtime.KindInternal, Err: fmt.Errorf("_bulk_docs returned %d results for %d documents", len(results), len(docs))}
	}
	var retry, check []int // check: 409 on a write at a given revision, stale or missing?
	for j, r := range results {
		i, w := sent[j], writes[sent[j]]
		tries[i]++
		switch {
		case r.Error == nil:
			if w.Kind != runtime.WriteDelete {
				out[i].Rev = r.Rev
			}
		case kivik.HTTPStatus(r.Error) != http.StatusConflict:
			// kivik reports every other per-item error as 500; it is about
			// this document (forbidden, invalid), not the server.
			out[i].Err = &runtime.Error{Kind: runtime.KindInternal, Err: d.scrub(r.Error)}
		case w.Kind == runtime.WriteCreate:
			out[i].Err = &runtime.Error{Kind: runtime.KindAlreadyExists}
		case w.Kind == runtime.WriteDelete && w.Doc.Rev == "" && tries[i] < deleteAttempts:
			retry = append(retry, i) // changed since we read its revision
		default:
			out[i].Err = d.fail(ctx, r.Error, "")
			check = append(check, i)
		}
	}
	if len(check) > 0 {
		ids := make([]string, len(check))
		for k, i := range check {
			ids[k] = writes[i].Doc.ID
		}
		existing, err := d.currentRevs(ctx, db, ids)
		if err != nil {
			return nil, err
		}
		for _, i := range check {
			if _, ok := existing[writes[i].Doc.ID]; !ok {
				out[i].Err = &runtime.Error{Kind: runtime.KindNotFound}
			}
		}
	}
	return retry, nil
}

// bulkBody is the `_bulk_docs` item of a write; revs are the current
// revisions by stored ID, for deletes of whatever revision.
func bulkBody(w runtime.Write, revs map[string]string) (json.RawMessage, error) {
	sid := w.Doc.ID
	switch w.Kind {
	case runtime.WriteCreate:
		return encodeBody(sid, "", w.Doc.Body)
	case runtime.WriteReplace:
		if w.Doc.Rev == "" {
			return nil, &runtime.Error{Kind: runtime.KindConflict, Err: errors.New("no revision given")}
		}
		return encodeBody(sid, w.Doc.Rev, w.Doc.Body)
	case runtime.WriteDelete:
		rev := w.Doc.Rev
		if rev == "" {
			if rev = revs[sid]; rev == "" {
				return nil, &runtime.Error{Kind: runtime.KindNotFound}
			}
		}
		return json.Marshal(map[string]any{"_id": sid, "_rev": rev, "_deleted": true})
	}
	return nil, &runtime.Error{Kind: runtime.KindInternal, Err: fmt.Errorf("unknown write kind %d", w.Kind)}
}
