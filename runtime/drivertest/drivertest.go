// Package drivertest is the conformance suite every provider passes. A
// provider's tests call Run with a Harness that opens its driver over a
// fresh, empty namespace; the suite then drives it through the portable API
// (runtime.Repo), so what it checks is what applications get.
package drivertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbgen/dbgen/runtime"
)

// Harness connects the suite to one provider.
type Harness struct {
	// Open returns a driver over a fresh, empty namespace (a new one on each
	// call: a database prefix, a table prefix, a project). It registers any
	// cleanup with t.Cleanup.
	Open func(t *testing.T) runtime.Driver
	// ListOrderedByID is true where List returns documents in ID order (all
	// providers but DynamoDB, whose scan order is the table's own).
	ListOrderedByID bool
	// RoundsBeyond53Bits is true where the server itself parses JSON numbers
	// as IEEE doubles (pouchdb-server, which runs on Node), so integers
	// beyond ±2^53 cannot round-trip whatever the driver does. Apache CouchDB,
	// DynamoDB and Firestore keep them; only this server difference may be
	// declared.
	RoundsBeyond53Bits bool
}

var regexpCodes = regexp.MustCompile(`^[a-z]{3}$`)

type env struct {
	t      *testing.T
	ctx    context.Context
	driver runtime.Driver
	store  *runtime.Store
	things *thingRepo
}

func (h Harness) open(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	d := h.Open(t)
	store, err := runtime.Open(ctx, suiteSchema, runtime.WithDriver(d))
	if err != nil {
		t.Fatalf("runtime.Open: %v", err)
	}
	if err := store.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	// Provisioning is idempotent.
	if err := store.EnsureSchema(ctx); err != nil {
		t.Fatalf("second EnsureSchema: %v", err)
	}
	return &env{t: t, ctx: ctx, driver: d, store: store, things: runtime.NewRepo[Thing, *Thing, ThingID](store, things)}
}

// Run runs the conformance suite.
func Run(t *testing.T, h Harness) {
	if h.Open == nil {
		t.Fatal("drivertest: Harness.Open is nil")
	}
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"CRUD", testCRUD},
		{"CreateTwice", testCreateTwice},
		{"DeleteSemantics", testDelete},
		{"Revisions", testRevisions},
		{"InvalidID", testInvalidID},
		{"IDRoundTrip", testIDRoundTrip},
		{"Validation", testValidation},
		{"TooLarge", testTooLarge},
		{"UnknownCollection", testUnknownCollection},
		{"Numbers", testNumbers},
		{"UnicodeNestedTime", testUnicodeNestedTime},
		{"SystemFields", testSystemFields},
		{"ListPaging", testList},
		{"Query", testQuery},
		{"QueryPaging", testQueryPaging},
		{"PageTokens", testPageTokens},
		{"Bulk", testBulk},
		{"ConcurrentUpdate", testConcurrentUpdate},
		{"UpdateAbort", testUpdateAbort},
		{"ContextCanceled", testCanceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

func newThing(id string) *Thing {
	return &Thing{ID: id, Group: "g", Name: "thing " + id, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func wantKind(t *testing.T, what string, err error, kind runtime.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got error %v, want kind %q", what, err, kind)
	}
}

func (e *env) mustCreate(doc *Thing) *Thing {
	e.t.Helper()
	if err := e.things.Create(e.ctx, doc); err != nil {
		e.t.Fatalf("Create %s: %v", doc.ID, err)
	}
	return doc
}

func (e *env) mustGet(id string) *Thing {
	e.t.Helper()
	got, err := e.things.Get(e.ctx, ThingID(id))
	if err != nil {
		e.t.Fatalf("Get %s: %v", id, err)
	}
	return got
}

func (e *env) wantMissing(id string) {
	e.t.Helper()
	_, err := e.things.Get(e.ctx, ThingID(id))
	wantKind(e.t, "Get "+id, err, runtime.KindNotFound)
}

func testCRUD(t *testing.T, h Harness) {
	e := h.open(t)
	e.wantMissing("a1")
	doc := newThing("a1")
	doc.Rank, doc.Tags = 7, []string{"x", "y"}
	e.mustCreate(doc)
	if doc.Rev == "" {
		t.Fatal("Create set no revision")
	}
	got := e.mustGet("a1")
	if !reflect.DeepEqual(got, doc) {
		t.Fatalf("Get after Create:\n got %+v\nwant %+v", got, doc)
	}
	got.Name, got.Rank = "renamed", 8
	oldRev := got.Rev
	if err := e.things.Replace(e.ctx, got); err != nil {
		t.Fatalf("Replace: %v", err)
	}
	if got.Rev == oldRev || got.Rev == "" {
		t.Fatalf("Replace kept revision %q", got.Rev)
	}
	again := e.mustGet("a1")
	if again.Name != "renamed" || again.Rank != 8 || again.Rev != got.Rev {
		t.Fatalf("Get after Replace: %+v", again)
	}
	// A stale revision is a conflict and changes nothing.
	stale := *again
	stale.Rev, stale.Name = oldRev, "lost update"
	wantKind(t, "Replace stale", e.things.Replace(e.ctx, &stale), runtime.KindConflict)
	if now := e.mustGet("a1"); now.Name != "renamed" || now.Rev != got.Rev {
		t.Fatalf("stale Replace changed the document: %+v", now)
	}
	// Replace needs a revision, and a document that exists.
	norev := *again
	norev.Rev = ""
	wantKind(t, "Replace without revision", e.things.Replace(e.ctx, &norev), runtime.KindConflict)
	ghost := newThing("ghost")
	ghost.Rev = got.Rev
	wantKind(t, "Replace missing", e.things.Replace(e.ctx, ghost), runtime.KindNotFound)
	e.wantMissing("ghost")
	if err := e.things.Delete(e.ctx, "a1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	e.wantMissing("a1")
}

func testCreateTwice(t *testing.T, h Harness) {
	e := h.open(t)
	first := e.mustCreate(newThing("twice"))
	second := newThing("twice")
	second.Name = "second"
	wantKind(t, "second Create", e.things.Create(e.ctx, second), runtime.KindAlreadyExists)
	if got := e.mustGet("twice"); got.Name != first.Name || got.Rev != first.Rev {
		t.Fatalf("second Create changed the document: %+v", got)
	}
}

func testDelete(t *testing.T, h Harness) {
	e := h.open(t)
	wantKind(t, "Delete missing", e.things.Delete(e.ctx, "nope"), runtime.KindNotFound)
	wantKind(t, "DeleteIfRev missing", e.things.DeleteIfRev(e.ctx, "nope", "1-abc"), runtime.KindNotFound)
	doc := e.mustCreate(newThing("d1"))
	firstRev := doc.Rev
	doc.Name = "v2"
	if err := e.things.Replace(e.ctx, doc); err != nil {
		t.Fatal(err)
	}
	wantKind(t, "DeleteIfRev stale", e.things.DeleteIfRev(e.ctx, "d1", firstRev), runtime.KindConflict)
	wantKind(t, "DeleteIfRev empty", e.things.DeleteIfRev(e.ctx, "d1", ""), runtime.KindConflict)
	e.mustGet("d1")
	if err := e.things.DeleteIfRev(e.ctx, "d1", doc.Rev); err != nil {
		t.Fatalf("DeleteIfRev current: %v", err)
	}
	e.wantMissing("d1")
	wantKind(t, "Delete twice", e.things.Delete(e.ctx, "d1"), runtime.KindNotFound)
	// A deleted ID can be created again, and is then a live document.
	again := e.mustCreate(newThing("d1"))
	if got := e.mustGet("d1"); got.Rev != again.Rev {
		t.Fatalf("recreated document has revision %q, want %q", got.Rev, again.Rev)
	}
	if n := countAll(t, e); n != 1 {
		t.Fatalf("List after delete and re-create: %d documents, want 1", n)
	}
}

func testRevisions(t *testing.T, h Harness) {
	e := h.open(t)
	doc := e.mustCreate(newThing("r1"))
	seen := map[string]bool{doc.Rev: true}
	for i := range 5 {
		doc.Count = int64(i)
		if err := e.things.Replace(e.ctx, doc); err != nil {
			t.Fatal(err)
		}
		if seen[doc.Rev] {
			t.Fatalf("revision %q repeated", doc.Rev)
		}
		seen[doc.Rev] = true
	}
	// Every revision but the current one is stale.
	for rev := range seen {
		if rev == doc.Rev {
			continue
		}
		stale := *doc
		stale.Rev = rev
		wantKind(t, "Replace at old revision", e.things.Replace(e.ctx, &stale), runtime.KindConflict)
	}
}

// countingDriver counts the calls that reach the driver.
type countingDriver struct {
	runtime.Driver
	mu    sync.Mutex
	calls int
}

func (c *countingDriver) count() {
	c.mu.Lock()
	c.calls++
	c.mu.Unlock()
}

func (c *countingDriver) Get(ctx context.Context, col *runtime.Collection, id string) (runtime.RawDoc, error) {
	c.count()
	return c.Driver.Get(ctx, col, id)
}
func (c *countingDriver) Create(ctx context.Context, col *runtime.Collection, d runtime.RawDoc) (string, error) {
	c.count()
	return c.Driver.Create(ctx, col, d)
}
func (c *countingDriver) Replace(ctx context.Context, col *runtime.Collection, d runtime.RawDoc) (string, error) {
	c.count()
	return c.Driver.Replace(ctx, col, d)
}
func (c *countingDriver) Delete(ctx context.Context, col *runtime.Collection, id, rev string) error {
	c.count()
	return c.Driver.Delete(ctx, col, id, rev)
}
func (c *countingDriver) Query(ctx context.Context, col *runtime.Collection, q runtime.DriverQuery) (runtime.DriverPage, error) {
	c.count()
	return c.Driver.Query(ctx, col, q)
}

func testInvalidID(t *testing.T, h Harness) {
	e := h.open(t)
	counter := &countingDriver{Driver: e.driver}
	store, err := runtime.Open(e.ctx, suiteSchema, runtime.WithDriver(counter))
	if err != nil {
		t.Fatal(err)
	}
	repo := runtime.NewRepo[Thing, *Thing, ThingID](store, things)
	codeRepo := runtime.NewRepo[Thing, *Thing, ThingID](store, codes)
	bad := []string{"", "a/b", "a b", "a.b", "a:b", "é", "../x", "a\x00", strings.Repeat("x", 101), "_design/x", "_", "_leading"}
	for _, id := range bad {
		_, err := repo.Get(e.ctx, ThingID(id))
		wantKind(t, fmt.Sprintf("Get %q", id), err, runtime.KindInvalidID)
		wantKind(t, fmt.Sprintf("Create %q", id), repo.Create(e.ctx, newThing(id)), runtime.KindInvalidID)
		wantKind(t, fmt.Sprintf("Delete %q", id), repo.Delete(e.ctx, ThingID(id)), runtime.KindInvalidID)
		_, err = repo.Update(e.ctx, ThingID(id), func(*Thing) error { return nil })
		wantKind(t, fmt.Sprintf("Update %q", id), err, runtime.KindInvalidID)
		_, err = repo.GetMany(e.ctx, []ThingID{"fine", ThingID(id)})
		wantKind(t, fmt.Sprintf("GetMany %q", id), err, runtime.KindInvalidID)
		_, err = repo.DeleteMany(e.ctx, []ThingID{"fine", ThingID(id)})
		wantKind(t, fmt.Sprintf("DeleteMany %q", id), err, runtime.KindInvalidID)
		_, err = repo.SaveMany(e.ctx, []*Thing{newThing("fine"), newThing(id)})
		wantKind(t, fmt.Sprintf("SaveMany %q", id), err, runtime.KindInvalidID)
	}
	// A collection's own, stricter rule.
	for _, id := range []string{"abcd", "ab", "ABC", "a1c"} {
		_, err := codeRepo.Get(e.ctx, ThingID(id))
		wantKind(t, fmt.Sprintf("Get code %q", id), err, runtime.KindInvalidID)
	}
	if counter.calls != 0 {
		t.Fatalf("%d driver calls were made for invalid IDs; IDs must be checked before any I/O", counter.calls)
	}
	var rerr *runtime.Error
	_, err = repo.Get(e.ctx, "a/b")
	if !errors.As(err, &rerr) || rerr.Collection != "dt_things" || rerr.Op != "get" {
		t.Fatalf("invalid ID error does not name collection and operation: %#v", err)
	}
	if n := countAll(t, e); n != 0 {
		t.Fatalf("%d documents stored after invalid writes", n)
	}
	if _, err := codeRepo.Get(e.ctx, "abc"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Get of a valid code: %v, want not found", err)
	}
}

func testIDRoundTrip(t *testing.T, h Harness) {
	e := h.open(t)
	ids := []string{"x", "7", "-", "a-b_c", "-leading", "trailing_", "in_side", strings.Repeat("z", 100), strings.Repeat("-_", 50), "MixedCase09"}
	for _, id := range ids {
		e.mustCreate(newThing(id))
		if got := e.mustGet(id); got.ID != id {
			t.Fatalf("Get(%q) returned ID %q", id, got.ID)
		}
	}
	var listed []string
	for doc, err := range e.things.List(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, doc.ID)
	}
	slices.Sort(listed)
	want := slices.Sorted(slices.Values(ids))
	if !slices.Equal(listed, want) {
		t.Fatalf("List IDs:\n got %q\nwant %q", listed, want)
	}
}

func testValidation(t *testing.T, h Harness) {
	e := h.open(t)
	doc := newThing("v1")
	doc.Name = strings.Repeat("n", 201)
	err := e.things.Create(e.ctx, doc)
	wantKind(t, "Create with long name", err, runtime.KindValidation)
	var rerr *runtime.Error
	if !errors.As(err, &rerr) || rerr.Field != "name" || rerr.Rule != "max=200" || rerr.Collection != "dt_things" {
		t.Fatalf("validation error does not name field and rule: %#v", err)
	}
	e.wantMissing("v1")
	doc.Name = strings.Repeat("é", 200) // 200 characters, 400 bytes: allowed
	e.mustCreate(doc)
	doc.Name = strings.Repeat("n", 201)
	wantKind(t, "Replace with long name", e.things.Replace(e.ctx, doc), runtime.KindValidation)
	_, err = e.things.Update(e.ctx, "v1", func(d *Thing) error { d.Name = strings.Repeat("n", 300); return nil })
	wantKind(t, "Update to long name", err, runtime.KindValidation)
	if got := e.mustGet("v1"); got.Name != strings.Repeat("é", 200) {
		t.Fatalf("invalid writes changed the document")
	}
}

func testTooLarge(t *testing.T, h Harness) {
	e := h.open(t)
	doc := newThing("big")
	doc.Free = json.RawMessage(`"` + strings.Repeat("x", 70<<10) + `"`)
	wantKind(t, "Create over MaxBytes", e.things.Create(e.ctx, doc), runtime.KindTooLarge)
	e.wantMissing("big")
}

func testUnknownCollection(t *testing.T, h Harness) {
	e := h.open(t)
	e.mustCreate(newThing("known"))
	foreign := runtime.NewRepo[Thing, *Thing, ThingID](e.store, thingsLookalike)
	_, err := foreign.Get(e.ctx, "known")
	wantKind(t, "Get via a look-alike spec", err, runtime.KindUnknownCollection)
	wantKind(t, "Create via a look-alike spec", foreign.Create(e.ctx, newThing("x")), runtime.KindUnknownCollection)
	for _, err := range foreign.List(e.ctx) {
		wantKind(t, "List via a look-alike spec", err, runtime.KindUnknownCollection)
	}
	_, err = e.things.QueryPage(e.ctx, notInSchemaIndex, runtime.PageRequest{}, "g")
	wantKind(t, "Query on an undeclared index", err, runtime.KindInvalidArgument)
}

func testNumbers(t *testing.T, h Harness) {
	e := h.open(t)
	type numCase struct {
		rank  int64
		ratio float64
	}
	cases := []numCase{
		{0, 0}, {-1, 0.1}, {1 << 53, 1.5}, {-(1 << 53), -2.5e-10}, {42, 3}, {7, 1e308}, {8, 5e-324}, {9, math.MaxFloat64}, {10, -123456.789},
	}
	if !h.RoundsBeyond53Bits {
		cases = append(cases, numCase{math.MaxInt64, 0.3}, numCase{math.MinInt64, 1e-7}, numCase{1<<53 + 1, 2})
	} else {
		t.Log("server rounds integers beyond ±2^53 (declared by the harness); int64 extremes not checked")
	}
	for i, c := range cases {
		doc := newThing(fmt.Sprintf("n%d", i))
		doc.Rank, doc.Ratio = c.rank, c.ratio
		e.mustCreate(doc)
		got := e.mustGet(doc.ID)
		if got.Rank != c.rank || got.Ratio != c.ratio {
			t.Fatalf("numbers round trip: got rank %d ratio %v, want %d %v", got.Rank, got.Ratio, c.rank, c.ratio)
		}
	}
	// Integers in free-form JSON are never rounded through float64, and
	// nothing comes back as a decimal or a string.
	free := `{"int":9007199254740993,"neg":-9007199254740993,"small":12,"zero":0,"float":0.1,"exp":1.5e300,"list":[1,2.5,-3],"nested":{"big":4611686018427387904}}`
	if h.RoundsBeyond53Bits {
		free = `{"int":9007199254740992,"neg":-9007199254740992,"small":12,"zero":0,"float":0.1,"exp":1.5e300,"list":[1,2.5,-3],"nested":{"big":4503599627370496}}`
	}
	doc := newThing("free")
	doc.Free = json.RawMessage(free)
	e.mustCreate(doc)
	got := e.mustGet("free")
	if !sameJSON(t, got.Free, doc.Free) {
		t.Fatalf("free JSON round trip:\n got %s\nwant %s", got.Free, doc.Free)
	}
}

// sameJSON compares two JSON values exactly: numbers by value, keeping
// integers as integers.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	norm := func(raw []byte) any {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		return canonicalNumbers(v)
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// canonicalNumbers rewrites numbers so that 1.5e300 and 1.5E+300 compare
// equal, but 3 and 3.0 do not (an integer must come back an integer).
func canonicalNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = canonicalNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = canonicalNumbers(e)
		}
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			f, _ := x.Float64()
			return "float:" + fmt.Sprint(f)
		}
		return "int:" + x.String()
	}
	return v
}

func testUnicodeNestedTime(t *testing.T, h Harness) {
	e := h.open(t)
	doc := newThing("u1")
	doc.Name = "héllo wörld — 日本語 🎉 \"quoted\" \\ back\nslash\t<tag>&"
	doc.Group = "grüppe 日本"
	doc.Tags = []string{"", "ü", "🎉"}
	doc.Points = []Point{{X: 1, Y: -2, Label: "ä"}, {X: math.MaxInt32, Y: 0}}
	doc.Nested = map[string]map[string][]int64{"a": {"b": {1, 2, 3}, "é": {}}, "empty": {}}
	doc.At = time.Date(2026, 12, 3, 18, 46, 45, 123456789, time.FixedZone("CET", 3600))
	e.mustCreate(doc)
	got := e.mustGet("u1")
	if !got.At.Equal(doc.At) {
		t.Fatalf("time round trip: got %v, want %v", got.At, doc.At)
	}
	got.At = doc.At
	if !reflect.DeepEqual(got, doc) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", got, doc)
	}
	var ids []string
	for d, err := range e.things.Query(e.ctx, byGroup, "grüppe 日本") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	if !slices.Equal(ids, []string{"u1"}) {
		t.Fatalf("query by unicode value: %v", ids)
	}
}

func testSystemFields(t *testing.T, h Harness) {
	e := h.open(t)
	doc := e.mustCreate(newThing("s1"))
	raw, err := e.driver.Get(e.ctx, things, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if raw.ID != "s1" || raw.Rev != doc.Rev {
		t.Fatalf("driver Get: ID %q rev %q, want s1 %q", raw.ID, raw.Rev, doc.Rev)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw.Body, &top); err != nil {
		t.Fatalf("stored body is not a JSON object: %v", err)
	}
	for k := range top {
		if strings.HasPrefix(k, "_") && k != "_id" && k != "_rev" {
			t.Fatalf("stored body has system field %q: %s", k, raw.Body)
		}
	}
	if _, ok := top["name"]; !ok {
		t.Fatalf("stored body lacks the application field name: %s", raw.Body)
	}
	// The body the core hands to drivers carries no system fields at all.
	body, err := doc.MarshalDocument()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), `"_id"`) || strings.Contains(string(body), `"_rev"`) {
		t.Fatalf("encoded body carries system fields: %s", body)
	}
}

func countAll(t *testing.T, e *env) int {
	t.Helper()
	n := 0
	for _, err := range e.things.List(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// seed stores n things in 5 groups, through SaveMany.
func seed(t *testing.T, e *env, n int) []*Thing {
	t.Helper()
	docs := make([]*Thing, n)
	for i := range docs {
		d := newThing(fmt.Sprintf("item-%05d", i))
		d.Group = fmt.Sprintf("g%d", i%5)
		d.Rank = int64(i % 7) // many ties, to exercise the ID tiebreak
		d.Active = i%2 == 0
		d.At = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i%11) * time.Hour)
		docs[i] = d
	}
	errs, err := e.things.SaveMany(e.ctx, docs)
	if err != nil {
		t.Fatalf("SaveMany: %v", err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("SaveMany item %d: %v", i, err)
		}
	}
	return docs
}

func testList(t *testing.T, h Harness) {
	e := h.open(t)
	const n = 2500
	docs := seed(t, e, n)
	var iterIDs []string
	for doc, err := range e.things.List(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		iterIDs = append(iterIDs, doc.ID)
	}
	wantSet := make([]string, n)
	for i, d := range docs {
		wantSet[i] = d.ID
	}
	if got := slices.Sorted(slices.Values(iterIDs)); !slices.Equal(got, wantSet) {
		t.Fatalf("List returned %d documents (%d distinct expected); missing or repeated documents", len(iterIDs), n)
	}
	if h.ListOrderedByID && !slices.IsSorted(iterIDs) {
		t.Fatal("List is not in ID order")
	}
	// The page form walks the same sequence, across page boundaries.
	for _, limit := range []int{1, 7, 1000} {
		if limit == 1 {
			// One-document pages over a small prefix only: slow providers.
			got := walkPages(t, e, nil, nil, limit, 25)
			if !slices.Equal(got, iterIDs[:25]) {
				t.Fatalf("ListPage limit 1: %v, want %v", got, iterIDs[:25])
			}
			continue
		}
		if got := walkPages(t, e, nil, nil, limit, -1); !slices.Equal(got, iterIDs) {
			t.Fatalf("ListPage limit %d: %d documents, different from List", limit, len(got))
		}
	}
	// An iteration stopped early stops fetching.
	seen := 0
	for _, err := range e.things.List(e.ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if seen++; seen == 3 {
			break
		}
	}
	if _, err := e.things.ListPage(e.ctx, runtime.PageRequest{Limit: runtime.MaxPageSize + 1}); !errors.Is(err, runtime.ErrInvalidArgument) {
		t.Fatalf("ListPage over MaxPageSize: %v, want invalid argument", err)
	}
}

// walkPages follows page tokens and returns the IDs, at most max (-1: all).
func walkPages(t *testing.T, e *env, ix *runtime.Index, values []any, limit, max int) []string {
	t.Helper()
	var ids []string
	req := runtime.PageRequest{Limit: limit}
	for pages := 0; ; pages++ {
		var p runtime.Page[Thing]
		var err error
		if ix == nil {
			p, err = e.things.ListPage(e.ctx, req)
		} else {
			p, err = e.things.QueryPage(e.ctx, ix, req, values...)
		}
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(p.Items) > limit {
			t.Fatalf("page of %d items, limit %d", len(p.Items), limit)
		}
		if len(p.Items) == 0 && p.Next != "" {
			t.Fatalf("empty page %d with a next token", pages)
		}
		for _, d := range p.Items {
			ids = append(ids, d.ID)
		}
		if p.Next == "" || max >= 0 && len(ids) >= max {
			if max >= 0 && len(ids) > max {
				ids = ids[:max]
			}
			return ids
		}
		req.Token = p.Next
		if pages > 100000 {
			t.Fatal("paging does not end")
		}
	}
}

// expected computes a query's result from the seeded documents.
func expected(docs []*Thing, keep func(*Thing) bool, less func(a, b *Thing) int) []string {
	var sel []*Thing
	for _, d := range docs {
		if keep(d) {
			sel = append(sel, d)
		}
	}
	slices.SortFunc(sel, less)
	ids := make([]string, len(sel))
	for i, d := range sel {
		ids[i] = d.ID
	}
	return ids
}

func byID(a, b *Thing) int { return strings.Compare(a.ID, b.ID) }

func collect(t *testing.T, e *env, ix *runtime.Index, values ...any) []string {
	t.Helper()
	var ids []string
	for d, err := range e.things.Query(e.ctx, ix, values...) {
		if err != nil {
			t.Fatalf("Query %s: %v", ix.Name, err)
		}
		ids = append(ids, d.ID)
	}
	return ids
}

func testQuery(t *testing.T, h Harness) {
	e := h.open(t)
	docs := seed(t, e, 300)
	check := func(name string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Fatalf("%s: got %d results %v..., want %d %v...", name, len(got), head(got), len(want), head(want))
		}
	}
	check("group g2", collect(t, e, byGroup, "g2"), expected(docs, func(d *Thing) bool { return d.Group == "g2" }, byID))
	check("group missing", collect(t, e, byGroup, "nope"), nil)
	check("group g3 by rank desc", collect(t, e, byGroupRankDesc, "g3"), expected(docs, func(d *Thing) bool { return d.Group == "g3" }, func(a, b *Thing) int {
		if a.Rank != b.Rank {
			return -cmpInt(a.Rank, b.Rank)
		}
		return -byID(a, b) // descending order breaks ties by ID descending
	}))
	check("active g1", collect(t, e, byActiveGroup, true, "g1"), expected(docs, func(d *Thing) bool { return d.Active && d.Group == "g1" }, byID))
	check("inactive g1", collect(t, e, byActiveGroup, false, "g1"), expected(docs, func(d *Thing) bool { return !d.Active && d.Group == "g1" }, byID))
	check("group g4 by time", collect(t, e, byGroupAt, "g4"), expected(docs, func(d *Thing) bool { return d.Group == "g4" }, func(a, b *Thing) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return byID(a, b)
	}))
	check("rank 3 (int value)", collect(t, e, byRank, 3), expected(docs, func(d *Thing) bool { return d.Rank == 3 }, byID))
	check("rank 3 (int64 value)", collect(t, e, byRank, int64(3)), collect(t, e, byRank, 3))

	// Queries see writes: a moved document leaves its old group.
	moved := docs[2] // g2
	if _, err := e.things.Update(e.ctx, ThingID(moved.ID), func(d *Thing) error { d.Group = "g0"; return nil }); err != nil {
		t.Fatal(err)
	}
	moved.Group = "g0"
	check("g2 after move", collect(t, e, byGroup, "g2"), expected(docs, func(d *Thing) bool { return d.Group == "g2" }, byID))
	check("g0 after move", collect(t, e, byGroup, "g0"), expected(docs, func(d *Thing) bool { return d.Group == "g0" }, byID))
	if err := e.things.Delete(e.ctx, ThingID(docs[0].ID)); err != nil {
		t.Fatal(err)
	}
	check("g0 after delete", collect(t, e, byGroup, "g0"), expected(docs[1:], func(d *Thing) bool { return d.Group == "g0" }, byID))

	// Wrong arity is refused before any I/O.
	_, err := e.things.QueryPage(e.ctx, byActiveGroup, runtime.PageRequest{}, true)
	wantKind(t, "query with too few values", err, runtime.KindInvalidArgument)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func head(s []string) []string { return s[:min(len(s), 5)] }

func testQueryPaging(t *testing.T, h Harness) {
	e := h.open(t)
	docs := seed(t, e, 2500)
	wantAsc := expected(docs, func(d *Thing) bool { return d.Group == "g1" }, byID)
	wantDesc := expected(docs, func(d *Thing) bool { return d.Group == "g1" }, func(a, b *Thing) int {
		if a.Rank != b.Rank {
			return -cmpInt(a.Rank, b.Rank)
		}
		return -byID(a, b)
	})
	for _, limit := range []int{7, 100, 500} {
		if got := walkPages(t, e, byGroup, []any{"g1"}, limit, -1); !slices.Equal(got, wantAsc) {
			t.Fatalf("paged group query, limit %d: %d results, want %d, or different order", limit, len(got), len(wantAsc))
		}
		if got := walkPages(t, e, byGroupRankDesc, []any{"g1"}, limit, -1); !slices.Equal(got, wantDesc) {
			t.Fatalf("paged ordered query, limit %d: %d results, want %d, or different order", limit, len(got), len(wantDesc))
		}
	}
	if got := collect(t, e, byGroupRankDesc, "g1"); !slices.Equal(got, wantDesc) {
		t.Fatalf("iterated ordered query differs from expected (%d results, want %d)", len(got), len(wantDesc))
	}
}

func testPageTokens(t *testing.T, h Harness) {
	e := h.open(t)
	seed(t, e, 30)
	p, err := e.things.QueryPage(e.ctx, byGroup, runtime.PageRequest{Limit: 2}, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Next == "" {
		t.Fatal("no next token on a partial page")
	}
	_, err = e.things.QueryPage(e.ctx, byGroup, runtime.PageRequest{Limit: 2, Token: p.Next}, "g2")
	wantKind(t, "token reused with other values", err, runtime.KindInvalidArgument)
	_, err = e.things.QueryPage(e.ctx, byGroupRankDesc, runtime.PageRequest{Limit: 2, Token: p.Next}, "g1")
	wantKind(t, "token reused with another query", err, runtime.KindInvalidArgument)
	_, err = e.things.ListPage(e.ctx, runtime.PageRequest{Limit: 2, Token: p.Next})
	wantKind(t, "query token reused for List", err, runtime.KindInvalidArgument)
	for _, tok := range []string{"garbage!", "AAAA", p.Next[:len(p.Next)-2] + "zz"} {
		_, err = e.things.QueryPage(e.ctx, byGroup, runtime.PageRequest{Limit: 2, Token: tok}, "g1")
		if err == nil {
			t.Fatalf("forged token %q accepted", tok)
		}
	}
	if _, err = e.things.QueryPage(e.ctx, byGroup, runtime.PageRequest{Limit: 2, Token: p.Next}, "g1"); err != nil {
		t.Fatalf("token reused with its own query: %v", err)
	}
}

func testBulk(t *testing.T, h Harness) {
	e := h.open(t)
	existing := e.mustCreate(newThing("b-existing"))
	staleRev := existing.Rev
	existing.Name = "moved on"
	if err := e.things.Replace(e.ctx, existing); err != nil {
		t.Fatal(err)
	}
	current := e.mustGet("b-existing")
	current.Name = "bulk replaced"
	stale := newThing("b-existing")
	stale.Rev = staleRev
	taken := newThing("b-existing")
	fresh := newThing("b-new")
	errs, err := e.things.SaveMany(e.ctx, []*Thing{fresh, stale, current, taken})
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 4 || errs[0] != nil || !errors.Is(errs[1], runtime.ErrConflict) || errs[2] != nil || !errors.Is(errs[3], runtime.ErrAlreadyExists) {
		t.Fatalf("SaveMany per-item results: %v", errs)
	}
	if fresh.Rev == "" || current.Rev == "" {
		t.Fatal("SaveMany did not set revisions of written documents")
	}
	if got := e.mustGet("b-existing"); got.Name != "bulk replaced" || got.Rev != current.Rev {
		t.Fatalf("after SaveMany: %+v", got)
	}
	// GetMany: input order, nil for missing, duplicates allowed.
	got, err := e.things.GetMany(e.ctx, []ThingID{"b-new", "b-missing", "b-existing", "b-new"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0] == nil || got[0].ID != "b-new" || got[1] != nil || got[2] == nil || got[2].Rev != current.Rev || got[3] == nil || got[3].ID != "b-new" {
		t.Fatalf("GetMany: %v", got)
	}
	if empty, err := e.things.GetMany(e.ctx, nil); err != nil || len(empty) != 0 {
		t.Fatalf("GetMany(nil): %v %v", empty, err)
	}
	// One invalid item refuses the whole batch before any write.
	bad := newThing("b-bad")
	bad.Name = strings.Repeat("x", 500)
	_, err = e.things.SaveMany(e.ctx, []*Thing{newThing("b-ok"), bad})
	wantKind(t, "SaveMany with an invalid item", err, runtime.KindValidation)
	e.wantMissing("b-ok")
	// DeleteMany: per-item results.
	derrs, err := e.things.DeleteMany(e.ctx, []ThingID{"b-new", "b-missing", "b-existing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(derrs) != 3 || derrs[0] != nil || !errors.Is(derrs[1], runtime.ErrNotFound) || derrs[2] != nil {
		t.Fatalf("DeleteMany per-item results: %v", derrs)
	}
	if n := countAll(t, e); n != 0 {
		t.Fatalf("%d documents left after DeleteMany", n)
	}
	// Large batches are split but keep input order.
	many := make([]*Thing, 250)
	ids := make([]ThingID, 250)
	for i := range many {
		many[i] = newThing(fmt.Sprintf("m%03d", i))
		many[i].Count = int64(i)
		ids[i] = ThingID(many[i].ID)
	}
	errs, err = e.things.SaveMany(e.ctx, many)
	if err != nil || errors.Join(errs...) != nil {
		t.Fatalf("SaveMany 250: %v %v", err, errors.Join(errs...))
	}
	slices.Reverse(ids)
	back, err := e.things.GetMany(e.ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range back {
		if d == nil || d.Count != int64(249-i) {
			t.Fatalf("GetMany 250: item %d is %+v", i, d)
		}
	}
}

func testConcurrentUpdate(t *testing.T, h Harness) {
	e := h.open(t)
	e.mustCreate(newThing("counter"))
	const workers, increments = 8, 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	succeeded := 0
	var firstErr error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range increments {
				_, err := e.things.Update(e.ctx, "counter", func(d *Thing) error { d.Count++; return nil })
				mu.Lock()
				if err == nil {
					succeeded++
				} else if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	got := e.mustGet("counter")
	if got.Count != int64(succeeded) {
		t.Fatalf("lost updates: count %d, %d updates reported success", got.Count, succeeded)
	}
	if succeeded != workers*increments {
		t.Fatalf("%d of %d updates succeeded with the default retry policy; first error: %v", succeeded, workers*increments, firstErr)
	}
}

func testUpdateAbort(t *testing.T, h Harness) {
	e := h.open(t)
	doc := e.mustCreate(newThing("ua"))
	sentinel := errors.New("caller says no")
	_, err := e.things.Update(e.ctx, "ua", func(d *Thing) error { d.Name = "changed"; return sentinel })
	if !errors.Is(err, sentinel) {
		t.Fatalf("Update with failing fn: %v, want the fn's error", err)
	}
	if got := e.mustGet("ua"); got.Rev != doc.Rev || got.Name != doc.Name {
		t.Fatal("aborted Update wrote")
	}
	_, err = e.things.Update(e.ctx, "ua-missing", func(d *Thing) error { return nil })
	wantKind(t, "Update missing", err, runtime.KindNotFound)
	// fn cannot move the document to another ID.
	updated, err := e.things.Update(e.ctx, "ua", func(d *Thing) error { d.ID = "elsewhere"; d.Count = 5; return nil })
	if err != nil || updated.ID != "ua" || updated.Count != 5 {
		t.Fatalf("Update that touched the ID: %+v, %v", updated, err)
	}
	e.wantMissing("elsewhere")
}

func testCanceled(t *testing.T, h Harness) {
	e := h.open(t)
	e.mustCreate(newThing("c1"))
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	canceled := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s with a canceled context: %v, want context.Canceled", what, err)
		}
	}
	_, err := e.things.Get(ctx, "c1")
	canceled("Get", err)
	canceled("Create", e.things.Create(ctx, newThing("c2")))
	canceled("Delete", e.things.Delete(ctx, "c1"))
	_, err = e.things.Update(ctx, "c1", func(d *Thing) error { d.Count = 99; return nil })
	canceled("Update", err)
	_, err = e.things.SaveMany(ctx, []*Thing{newThing("c3")})
	canceled("SaveMany", err)
	_, err = e.things.GetMany(ctx, []ThingID{"c1"})
	canceled("GetMany", err)
	for _, err := range e.things.List(ctx) {
		canceled("List", err)
	}
	e.wantMissing("c2")
	e.wantMissing("c3")
	if got := e.mustGet("c1"); got.Count != 0 {
		t.Fatal("canceled Update wrote")
	}
	// A deadline that passes mid-call is honoured too.
	short, cancel2 := context.WithTimeout(e.ctx, time.Nanosecond)
	defer cancel2()
	<-short.Done()
	_, err = e.things.Get(short, "c1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get past the deadline: %v", err)
	}
}
