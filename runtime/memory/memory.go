// Package memory is the embedded default provider: documents live in the
// process, as JSON bytes copied on the way in and out, so callers can never
// mutate stored data through a value they hold.
//
// It behaves like the server providers: real revisions (a stale revision is
// a conflict), declared queries served from sorted per-index structures (no
// scans), keyset paging, and List in ID order (bytewise). It needs no
// provisioning; EnsureSchema is a no-op. Each Open gives a new, empty store.
//
// Import it for its side effect of registering the provider "memory" (the
// generated code does):
//
//	import _ "github.com/dbgen/dbgen/runtime/memory"
package memory

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/dbgen/dbgen/runtime"
)

func init() {
	runtime.Register("memory", func(context.Context, runtime.Env) (runtime.Driver, error) {
		return New(), nil
	})
}

// Driver is the in-memory driver. It is safe for concurrent use.
type Driver struct {
	mu     sync.RWMutex
	colls  map[string]*collection
	seq    uint64 // makes every revision unique
	closed bool
}

var (
	_ runtime.Driver          = (*Driver)(nil)
	_ runtime.GetManyDriver   = (*Driver)(nil)
	_ runtime.BulkWriteDriver = (*Driver)(nil)
)

// New returns an empty in-memory driver.
func New() *Driver { return &Driver{colls: map[string]*collection{}} }

type entry struct {
	gen  int
	rev  string
	body []byte
	vals map[string]any // decoded top-level fields that some index uses
}

// key is a position in an index: the order value, then the ID.
type key struct {
	order any
	id    string
}

type collection struct {
	docs    map[string]*entry
	ids     []string                            // sorted, for List
	indexes map[*runtime.Index]map[string][]key // equality key -> sorted keys
}

func (d *Driver) coll(c *runtime.Collection, create bool) *collection {
	col := d.colls[c.Name]
	if col == nil && create {
		col = &collection{docs: map[string]*entry{}, indexes: map[*runtime.Index]map[string][]key{}}
		for _, ix := range c.Indexes {
			col.indexes[ix] = map[string][]key{}
		}
		d.colls[c.Name] = col
	}
	return col
}

func (d *Driver) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d.closed {
		return &runtime.Error{Kind: runtime.KindUnavailable, Err: errors.New("memory driver closed")}
	}
	return nil
}

// Get implements runtime.Driver.
func (d *Driver) Get(ctx context.Context, c *runtime.Collection, id string) (runtime.RawDoc, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(ctx); err != nil {
		return runtime.RawDoc{}, err
	}
	return d.get(c, id)
}

func (d *Driver) get(c *runtime.Collection, id string) (runtime.RawDoc, error) {
	if col := d.coll(c, false); col != nil {
		if e := col.docs[id]; e != nil {
			return runtime.RawDoc{ID: id, Rev: e.rev, Body: bytes.Clone(e.body)}, nil
		}
	}
	return runtime.RawDoc{}, &runtime.Error{Kind: runtime.KindNotFound}
}

// GetMany implements runtime.GetManyDriver.
func (d *Driver) GetMany(ctx context.Context, c *runtime.Collection, ids []string) ([]runtime.Result, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(ctx); err != nil {
		return nil, err
	}
	out := make([]runtime.Result, len(ids))
	for i, id := range ids {
		out[i].Doc, out[i].Err = d.get(c, id)
	}
	return out, nil
}

// Create implements runtime.Driver.
func (d *Driver) Create(ctx context.Context, c *runtime.Collection, doc runtime.RawDoc) (string, error) {
	res := d.writeOne(ctx, c, runtime.Write{Kind: runtime.WriteCreate, Doc: doc})
	return res.Rev, res.Err
}

// Replace implements runtime.Driver.
func (d *Driver) Replace(ctx context.Context, c *runtime.Collection, doc runtime.RawDoc) (string, error) {
	res := d.writeOne(ctx, c, runtime.Write{Kind: runtime.WriteReplace, Doc: doc})
	return res.Rev, res.Err
}

// Delete implements runtime.Driver.
func (d *Driver) Delete(ctx context.Context, c *runtime.Collection, id, rev string) error {
	return d.writeOne(ctx, c, runtime.Write{Kind: runtime.WriteDelete, Doc: runtime.RawDoc{ID: id, Rev: rev}}).Err
}

// writeOne applies a single write through BulkWrite, the one write path.
func (d *Driver) writeOne(ctx context.Context, c *runtime.Collection, w runtime.Write) runtime.WriteResult {
	res, err := d.BulkWrite(ctx, c, []runtime.Write{w})
	if err != nil {
		return runtime.WriteResult{Err: err}
	}
	return res[0]
}

// BulkWrite implements runtime.BulkWriteDriver. Each item is applied on its own.
func (d *Driver) BulkWrite(ctx context.Context, c *runtime.Collection, writes []runtime.Write) ([]runtime.WriteResult, error) {
	// Decode outside the lock: it is the expensive part.
	vals := make([]map[string]any, len(writes))
	for i, w := range writes {
		if w.Kind == runtime.WriteDelete {
			continue
		}
		v, err := indexedValues(c, w.Doc.Body)
		if err != nil {
			return nil, &runtime.Error{Kind: runtime.KindInvalidArgument, Err: err}
		}
		vals[i] = v
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(ctx); err != nil {
		return nil, err
	}
	col := d.coll(c, true)
	out := make([]runtime.WriteResult, len(writes))
	for i, w := range writes {
		out[i] = d.apply(c, col, w, vals[i])
	}
	return out, nil
}

func (d *Driver) apply(c *runtime.Collection, col *collection, w runtime.Write, vals map[string]any) runtime.WriteResult {
	old := col.docs[w.Doc.ID]
	switch w.Kind {
	case runtime.WriteCreate:
		if old != nil {
			return runtime.WriteResult{Err: &runtime.Error{Kind: runtime.KindAlreadyExists}}
		}
	case runtime.WriteReplace, runtime.WriteDelete:
		if old == nil {
			return runtime.WriteResult{Err: &runtime.Error{Kind: runtime.KindNotFound}}
		}
		if (w.Kind == runtime.WriteReplace || w.Doc.Rev != "") && w.Doc.Rev != old.rev {
			return runtime.WriteResult{Err: &runtime.Error{Kind: runtime.KindConflict}}
		}
	default:
		return runtime.WriteResult{Err: &runtime.Error{Kind: runtime.KindInternal, Err: fmt.Errorf("unknown write kind %d", w.Kind)}}
	}
	if old != nil {
		col.unindex(c, w.Doc.ID, old)
	}
	if w.Kind == runtime.WriteDelete {
		delete(col.docs, w.Doc.ID)
		if i, ok := slices.BinarySearch(col.ids, w.Doc.ID); ok {
			col.ids = slices.Delete(col.ids, i, i+1)
		}
		return runtime.WriteResult{}
	}
	gen := 1
	if old != nil {
		gen = old.gen + 1
	} else {
		i, _ := slices.BinarySearch(col.ids, w.Doc.ID)
		col.ids = slices.Insert(col.ids, i, w.Doc.ID)
	}
	d.seq++
	e := &entry{gen: gen, rev: fmt.Sprintf("%d-%012x", gen, d.seq), body: bytes.Clone(w.Doc.Body), vals: vals}
	col.docs[w.Doc.ID] = e
	col.index(c, w.Doc.ID, e)
	return runtime.WriteResult{Rev: e.rev}
}

func (col *collection) index(c *runtime.Collection, id string, e *entry) {
	for _, ix := range c.Indexes {
		eq, k := positionOf(ix, id, e.vals)
		keys := col.indexes[ix][eq]
		i, _ := slices.BinarySearchFunc(keys, k, compareKeys)
		col.indexes[ix][eq] = slices.Insert(keys, i, k)
	}
}

func (col *collection) unindex(c *runtime.Collection, id string, e *entry) {
	for _, ix := range c.Indexes {
		eq, k := positionOf(ix, id, e.vals)
		keys := col.indexes[ix][eq]
		if i, ok := slices.BinarySearchFunc(keys, k, compareKeys); ok {
			keys = slices.Delete(keys, i, i+1)
		}
		if len(keys) == 0 {
			delete(col.indexes[ix], eq)
		} else {
			col.indexes[ix][eq] = keys
		}
	}
}

func positionOf(ix *runtime.Index, id string, vals map[string]any) (string, key) {
	eq := make([]any, len(ix.Fields))
	for i, f := range ix.Fields {
		eq[i] = vals[f.Name]
	}
	k := key{id: id}
	if ix.OrderBy != nil {
		k.order = vals[ix.OrderBy.Name]
	}
	return equalityKey(eq), k
}

// Query implements runtime.Driver: keyset paging over the sorted IDs or the
// index's sorted keys, so a page costs O(log n + limit).
func (d *Driver) Query(ctx context.Context, c *runtime.Collection, q runtime.DriverQuery) (runtime.DriverPage, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(ctx); err != nil {
		return runtime.DriverPage{}, err
	}
	col := d.coll(c, false)
	if col == nil {
		return runtime.DriverPage{}, nil
	}
	var page runtime.DriverPage
	if q.Index == nil {
		start := 0
		if q.Cursor != "" {
			start, _ = slices.BinarySearch(col.ids, q.Cursor)
			if start < len(col.ids) && col.ids[start] == q.Cursor {
				start++
			}
		}
		for _, id := range col.ids[start:] {
			if len(page.Docs) == q.Limit {
				page.Next = page.Docs[len(page.Docs)-1].ID
				break
			}
			page.Docs = append(page.Docs, d.raw(col, id))
		}
		return page, nil
	}
	keys := col.indexes[q.Index][equalityKey(q.Values)]
	n := len(keys)
	at := func(i int) key { // position i in query order
		if q.Index.Desc {
			return keys[n-1-i]
		}
		return keys[i]
	}
	start := 0
	if q.Cursor != "" {
		after, err := decodeCursor(q.Cursor)
		if err != nil {
			return runtime.DriverPage{}, err
		}
		i, found := slices.BinarySearchFunc(keys, after, compareKeys)
		if q.Index.Desc {
			start = n - i // keys[i-1] is the first key smaller than after
		} else {
			start = i
			if found {
				start++
			}
		}
	}
	for i := start; i < n; i++ {
		if len(page.Docs) == q.Limit {
			page.Next = encodeCursor(at(i - 1))
			break
		}
		page.Docs = append(page.Docs, d.raw(col, at(i).id))
	}
	return page, nil
}

func (d *Driver) raw(col *collection, id string) runtime.RawDoc {
	e := col.docs[id]
	return runtime.RawDoc{ID: id, Rev: e.rev, Body: bytes.Clone(e.body)}
}

// EnsureSchema implements runtime.Driver; memory needs no provisioning.
func (d *Driver) EnsureSchema(ctx context.Context, _ *runtime.Schema) error { return ctx.Err() }

// Close implements runtime.Driver. Later calls fail with kind unavailable.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.colls = nil
	return nil
}

// indexedValues decodes the top-level fields that c's indexes use.
func indexedValues(c *runtime.Collection, body []byte) (map[string]any, error) {
	if len(c.Indexes) == 0 {
		return nil, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("document body is not a JSON object: %w", err)
	}
	vals := map[string]any{}
	for _, ix := range c.Indexes {
		fields := ix.Fields
		if ix.OrderBy != nil {
			fields = append(fields[:len(fields):len(fields)], *ix.OrderBy)
		}
		for _, f := range fields {
			raw, ok := top[f.Name]
			if _, done := vals[f.Name]; done || !ok {
				continue
			}
			v, err := scalar(raw)
			if err != nil {
				return nil, err
			}
			vals[f.Name] = v
		}
	}
	return vals, nil
}

// composite is an object or array value, kept as its JSON text: it orders
// after every scalar and never equals one.
type composite string

// scalar decodes a JSON value that json.Unmarshal has already checked:
// numbers stay json.Number (exact), objects and arrays stay composite.
func scalar(raw json.RawMessage) (any, error) {
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	case '{', '[':
		return composite(raw), nil
	}
	return json.Number(raw), nil
}

// equalityKey canonicalises equality values so that a stored JSON number and
// a query's int64 or float64 of the same value meet.
func equalityKey(vals []any) string {
	b := make([]byte, 0, 32)
	for _, v := range vals {
		b = append(b, canonical(v)...)
		b = append(b, 0)
	}
	return string(b)
}

func canonical(v any) string {
	switch x := v.(type) {
	case nil:
		return "z"
	case bool:
		return "b" + strconv.FormatBool(x)
	case string:
		return "s" + x
	case int64:
		return "n" + strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return "n" + strconv.FormatInt(int64(x), 10)
		}
		return "n" + strconv.FormatFloat(x, 'g', -1, 64)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return "n" + strconv.FormatInt(i, 10)
		}
		if f, err := x.Float64(); err == nil {
			return canonical(f)
		}
		return "n" + x.String()
	case composite:
		return "o" + string(x)
	}
	return fmt.Sprintf("?%v", v)
}

// compareKeys orders by value (nulls, then booleans, numbers, strings, as
// CouchDB collates them) and then by ID.
func compareKeys(a, b key) int {
	if c := compareValues(a.order, b.order); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

func rank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case json.Number, int64, float64:
		return 2
	case string:
		return 3
	}
	return 4
}

func compareValues(a, b any) int {
	if ra, rb := rank(a), rank(b); ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch x := a.(type) {
	case nil:
		return 0
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case string:
		return cmp.Compare(x, b.(string))
	case json.Number, int64, float64:
		return compareNumbers(a, b)
	case composite:
		return cmp.Compare(x, b.(composite))
	}
	return 0
}

func compareNumbers(a, b any) int {
	ai, aInt := asInt(a)
	bi, bInt := asInt(b)
	if aInt && bInt {
		return cmp.Compare(ai, bi)
	}
	return cmp.Compare(asFloat(a), asFloat(b))
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case json.Number:
		i, err := x.Int64()
		return i, err == nil
	}
	return 0, false
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return 0
}

// Cursors are the JSON of the last key returned: [order value, ID].
func encodeCursor(k key) string {
	b, _ := json.Marshal([]any{k.order, k.id})
	return string(b)
}

func decodeCursor(s string) (key, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var parts []any
	if err := dec.Decode(&parts); err != nil || len(parts) != 2 {
		return key{}, &runtime.Error{Kind: runtime.KindInvalidArgument, Err: errors.New("malformed page cursor")}
	}
	id, ok := parts[1].(string)
	if !ok {
		return key{}, &runtime.Error{Kind: runtime.KindInvalidArgument, Err: errors.New("malformed page cursor")}
	}
	return key{order: parts[0], id: id}, nil
}
