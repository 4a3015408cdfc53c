package couchdb

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	kivik "github.com/go-kivik/kivik/v4"

	"github.com/dbgen/dbgen/runtime"
	"github.com/dbgen/dbgen/runtime/drivertest"
)

// server is the test server's configuration, from the variables the provider
// itself reads. scripts/couchdb.sh starts one and writes them to
// .cache/run/couchdb.env. Without them the tests skip, except under CI,
// where a missing server is a failure.
type server struct{ url, user, password string }

func testServer(t testing.TB) server {
	t.Helper()
	s := server{os.Getenv(EnvURL), os.Getenv(EnvUser), os.Getenv(EnvPassword)}
	if s.url == "" || s.user == "" || s.password == "" {
		const msg = "no CouchDB server: run scripts/couchdb.sh start and source .cache/run/couchdb.env (sets COUCHDB_URL, COUCHDB_USER, COUCHDB_PASSWORD)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return s
}

// testPrefix is a database prefix unique to one test.
func testPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "dbgentest_" + hex.EncodeToString(b) + "_"
}

// openTest opens a driver over a fresh prefix and deletes the prefix's
// databases when the test ends.
func openTest(t testing.TB) *Driver {
	t.Helper()
	s := testServer(t)
	prefix := testPrefix()
	d, err := New(context.Background(), Options{URL: s.url, User: s.user, Password: s.password, Prefix: prefix})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		names, err := d.client.AllDBs(ctx)
		if err != nil {
			t.Errorf("cleanup: listing databases: %v", err)
		}
		for _, name := range names {
			if strings.HasPrefix(name, prefix) {
				if err := d.client.DestroyDB(ctx, name); err != nil {
					t.Errorf("cleanup: deleting %s: %v", name, err)
				}
			}
		}
		_ = d.Close()
	})
	return d
}

func TestConformance(t *testing.T) {
	drivertest.Run(t, drivertest.Harness{
		Open:            func(t *testing.T) runtime.Driver { return openTest(t) },
		ListOrderedByID: true,
		// pouchdb-server runs on Node and parses every JSON number as a
		// double; Apache CouchDB 3 keeps big integers.
		RoundsBeyond53Bits: isPouchDB(t),
	})
}

func BenchmarkDriver(b *testing.B) {
	drivertest.Bench(b, func(b *testing.B) runtime.Driver { return openTest(b) })
}

// isPouchDB reports whether the test server is pouchdb-server (GET / names
// its vendor), as opposed to Apache CouchDB.
func isPouchDB(t *testing.T) bool {
	s := testServer(t)
	req, err := http.NewRequest(http.MethodGet, s.url+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(s.user, s.password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /: %v", err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return strings.Contains(b.String(), "PouchDB")
}

// Provider-specific tests. They drive the driver directly, with RawDoc
// bodies, over their own collections.

var (
	byOwner     = &runtime.Index{Name: "owner", Fields: []runtime.IndexField{{Name: "owner", Kind: runtime.FieldString}}}
	byOwnerTS   = &runtime.Index{Name: "owner_ts_desc", Fields: []runtime.IndexField{{Name: "owner", Kind: runtime.FieldString}}, OrderBy: &runtime.IndexField{Name: "ts", Kind: runtime.FieldInt}, Desc: true}
	byKindScore = &runtime.Index{Name: "kind_score", Fields: []runtime.IndexField{{Name: "kind", Kind: runtime.FieldString}}, OrderBy: &runtime.IndexField{Name: "score", Kind: runtime.FieldFloat}}
	items       = &runtime.Collection{Name: "items", Indexes: []*runtime.Index{byOwner, byOwnerTS, byKindScore}}
	plain       = &runtime.Collection{Name: "plain"}
	testSchema  = runtime.MustSchema(items, plain)
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func provisioned(t *testing.T) (*Driver, context.Context) {
	t.Helper()
	d := openTest(t)
	ctx := ctxT(t)
	if err := d.EnsureSchema(ctx, testSchema); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	return d, ctx
}

func wantKind(t *testing.T, what string, err error, kind runtime.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want kind %q", what, err, kind)
	}
}

func TestStaleRevisionConflict(t *testing.T) {
	d, ctx := provisioned(t)
	rev1, err := d.Create(ctx, items, runtime.RawDoc{ID: "a", Body: []byte(`{"owner":"u","n":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	rev2, err := d.Replace(ctx, items, runtime.RawDoc{ID: "a", Rev: rev1, Body: []byte(`{"owner":"u","n":2}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Replace(ctx, items, runtime.RawDoc{ID: "a", Rev: rev1, Body: []byte(`{"owner":"u","n":3}`)})
	wantKind(t, "Replace at a stale revision", err, runtime.KindConflict)
	wantKind(t, "Delete at a stale revision", d.Delete(ctx, items, "a", rev1), runtime.KindConflict)
	got, err := d.Get(ctx, items, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Rev != rev2 || !strings.Contains(string(got.Body), `"n":2`) {
		t.Fatalf("stale writes changed the document: %s %s", got.Rev, got.Body)
	}
	_, err = d.Create(ctx, items, runtime.RawDoc{ID: "a", Body: []byte(`{}`)})
	wantKind(t, "Create on a taken ID", err, runtime.KindAlreadyExists)
	_, err = d.Replace(ctx, items, runtime.RawDoc{ID: "ghost", Rev: rev1, Body: []byte(`{}`)})
	wantKind(t, "Replace of a missing document", err, runtime.KindNotFound)
	// A body may not smuggle system members.
	_, err = d.Replace(ctx, items, runtime.RawDoc{ID: "a", Rev: rev2, Body: []byte(`{"_deleted":true}`)})
	wantKind(t, "Replace with _deleted", err, runtime.KindInvalidArgument)
	if _, err := d.Get(ctx, items, "a"); err != nil {
		t.Fatalf("document gone after a refused _deleted body: %v", err)
	}
}

// bulkCreate stores docs (ID -> body) through BulkWrite.
func bulkCreate(t *testing.T, ctx context.Context, d *Driver, c *runtime.Collection, ids []string, body func(i int) string) {
	t.Helper()
	for start := 0; start < len(ids); start += 500 {
		var ws []runtime.Write
		for i := start; i < min(start+500, len(ids)); i++ {
			ws = append(ws, runtime.Write{Kind: runtime.WriteCreate, Doc: runtime.RawDoc{ID: ids[i], Body: []byte(body(i))}})
		}
		res, err := d.BulkWrite(ctx, c, ws)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r.Err != nil || r.Rev == "" {
				t.Fatalf("bulk create %s: %v", ws[i].Doc.ID, r.Err)
			}
		}
	}
}

// pageAll pages through a query (ix nil: List) and returns the IDs.
func pageAll(t *testing.T, ctx context.Context, d *Driver, c *runtime.Collection, ix *runtime.Index, limit int, values ...any) []string {
	t.Helper()
	var ids []string
	q := runtime.DriverQuery{Index: ix, Values: values, Limit: limit}
	for pages := 0; ; pages++ {
		p, err := d.Query(ctx, c, q)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(p.Docs) > limit || len(p.Docs) < limit && p.Next != "" {
			t.Fatalf("page %d: %d documents (limit %d) with next %q", pages, len(p.Docs), limit, p.Next)
		}
		for _, doc := range p.Docs {
			ids = append(ids, doc.ID)
		}
		if p.Next == "" {
			return ids
		}
		q.Cursor = p.Next
	}
}

func TestListHidesDesignDocs(t *testing.T) {
	d, ctx := provisioned(t)
	// IDs on both sides of "_design/" in CouchDB's raw order ('Z' < '_' < 'a').
	ids := []string{"A1", "Zz", "a1", "m", "zz"}
	bulkCreate(t, ctx, d, items, ids, func(int) string { return `{"owner":"u"}` })
	want := slices.Sorted(slices.Values(ids))
	for _, limit := range []int{1, 2, 3, 7, 8, 100} {
		if got := pageAll(t, ctx, d, items, nil, limit); !slices.Equal(got, want) {
			t.Fatalf("List, limit %d: %v, want %v", limit, got, want)
		}
	}
	// The design documents are there, one per index.
	rs := d.client.DB(d.DBName(items)).AllDocs(ctx, kivik.Param("startkey", "_design/"), kivik.Param("endkey", "_design0"))
	n := 0
	for rs.Next() {
		n++
	}
	if err := rs.Err(); err != nil || n != len(items.Indexes) {
		t.Fatalf("%d design documents (%v), want %d", n, err, len(items.Indexes))
	}
	// A database of design documents only lists as empty, with no next page.
	p, err := d.Query(ctx, plain, runtime.DriverQuery{Limit: 5})
	if err != nil || len(p.Docs) != 0 || p.Next != "" {
		t.Fatalf("empty collection: %v %v", p, err)
	}
	if _, err := d.client.DB(d.DBName(plain)).Put(ctx, "_design/extra", map[string]any{"language": "query"}); err != nil {
		t.Fatal(err)
	}
	if p, err := d.Query(ctx, plain, runtime.DriverQuery{Limit: 5}); err != nil || len(p.Docs) != 0 || p.Next != "" {
		t.Fatalf("collection of a design document only: %v %v", p, err)
	}
}

// findQuery is the _find request the driver sends for the first page.
func findQuery(ix *runtime.Index, values ...any) map[string]any {
	return map[string]any{"selector": selector(ix, values, nil), "sort": sortSpec(ix), "limit": 10, "use_index": []string{designDoc(ix), ix.Name}}
}

func TestQueriesUseTheirIndex(t *testing.T) {
	d, ctx := provisioned(t)
	db := d.client.DB(d.DBName(items))
	cases := []struct {
		ix     *runtime.Index
		values []any
		cur    *cursor
	}{
		{byOwner, []any{"u"}, nil},
		{byOwner, []any{"u"}, &cursor{ID: "x"}},
		{byOwnerTS, []any{"u"}, nil},
		{byOwnerTS, []any{"u"}, &cursor{V: []byte("5"), ID: "x"}},
		{byKindScore, []any{"k"}, &cursor{V: []byte("0.5"), ID: "x"}},
	}
	for _, tc := range cases {
		q := findQuery(tc.ix, tc.values...)
		q["selector"] = selector(tc.ix, tc.values, tc.cur)
		plan, err := db.Explain(ctx, q)
		if err != nil {
			t.Fatalf("explain %s: %v", tc.ix.Name, err)
		}
		if got := plan.Index["ddoc"]; got != "_design/"+designDoc(tc.ix) || plan.Index["name"] != tc.ix.Name {
			t.Fatalf("query %s (cursor %v) uses index %v, want %s", tc.ix.Name, tc.cur, plan.Index, designDoc(tc.ix))
		}
	}
	// Idempotent provisioning, and reads create nothing.
	if err := d.EnsureSchema(ctx, testSchema); err != nil {
		t.Fatal(err)
	}
	other := &runtime.Collection{Name: "never_provisioned", Indexes: []*runtime.Index{byOwner}}
	_, err := d.Get(ctx, other, "x")
	wantKind(t, "Get in a missing database", err, runtime.KindNotFound)
	_, err = d.Query(ctx, other, runtime.DriverQuery{Index: byOwner, Values: []any{"u"}, Limit: 3})
	wantKind(t, "Query in a missing database", err, runtime.KindNotFound)
	if ok, err := d.client.DBExists(ctx, d.DBName(other)); err != nil || ok {
		t.Fatalf("a read created database %s (%v)", d.DBName(other), err)
	}
}

func TestPagingThousands(t *testing.T) {
	d, ctx := provisioned(t)
	const n = 3000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("doc-%05d", (i*7919)%n) // stored out of order
	}
	owner := func(i int) string { return fmt.Sprintf("o%d", i%3) }
	ts := func(i int) int { return i % 17 } // many ties: the ID breaks them
	bulkCreate(t, ctx, d, items, ids, func(i int) string {
		return fmt.Sprintf(`{"owner":%q,"ts":%d,"kind":"k","score":%g}`, owner(i), ts(i), float64(i%10)/4)
	})
	idx := map[string]int{}
	for i, id := range ids {
		idx[id] = i
	}
	sorted := slices.Sorted(slices.Values(ids))
	if got := pageAll(t, ctx, d, items, nil, 250); !slices.Equal(got, sorted) {
		t.Fatalf("List: %d IDs, want %d in ID order", len(got), n)
	}
	var o1 []string
	for _, id := range sorted {
		if owner(idx[id]) == "o1" {
			o1 = append(o1, id)
		}
	}
	if got := pageAll(t, ctx, d, items, byOwner, 100, "o1"); !slices.Equal(got, o1) {
		t.Fatalf("query by owner: %d IDs, want %d in ID order", len(got), len(o1))
	}
	desc := slices.Clone(o1)
	slices.SortFunc(desc, func(a, b string) int {
		if c := cmp.Compare(ts(idx[b]), ts(idx[a])); c != 0 {
			return c
		}
		return strings.Compare(b, a)
	})
	for _, limit := range []int{1000, 99} {
		if got := pageAll(t, ctx, d, items, byOwnerTS, limit, "o1"); !slices.Equal(got, desc) {
			t.Fatalf("query by owner, newest first, limit %d: %d IDs, want %d in order", limit, len(got), len(desc))
		}
	}
	if got := pageAll(t, ctx, d, items, byOwnerTS, 10, "nobody"); len(got) != 0 {
		t.Fatalf("query without matches: %v", got)
	}
}

func TestOldLayoutCompatibility(t *testing.T) {
	d, ctx := provisioned(t)
	s := testServer(t)
	do := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, s.url+"/"+d.DBName(items)+"/"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(s.user, s.password)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}
	// As the Python service wrote it: a plain JSON body, camelCase fields.
	old := `{"owner":"user-1","basicInfo":{"displayName":"Ada","email":"ada@example.com"},"usage":[{"timestamp":"2024-05-01T10:00:00Z","responseCost":0.25}],"createdAt":"2024-05-01T10:00:00.123456","count":3}`
	if code, b := do(http.MethodPut, "legacy-1", old); code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", code, b)
	}
	got, err := d.Get(ctx, items, "legacy-1")
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, got.Body, []byte(old)) || got.Rev == "" {
		t.Fatalf("driver read of an old document:\n got %s (rev %q)\nwant %s", got.Body, got.Rev, old)
	}
	page, err := d.Query(ctx, items, runtime.DriverQuery{Index: byOwner, Values: []any{"user-1"}, Limit: 10})
	if err != nil || len(page.Docs) != 1 || page.Docs[0].ID != "legacy-1" {
		t.Fatalf("query finds the old document: %v %v", page, err)
	}
	// Written by the driver, read as the Python service would.
	body := `{"owner":"user-2","friendlyName":"Zoë","tools":{"web":["search"]},"n":1.5}`
	rev, err := d.Create(ctx, items, runtime.RawDoc{ID: "new-1", Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	code, b := do(http.MethodGet, "new-1", "")
	if code != http.StatusOK {
		t.Fatalf("GET: %d %s", code, b)
	}
	var stored map[string]json.RawMessage
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	if string(stored["_id"]) != `"new-1"` || string(stored["_rev"]) != strconv.Quote(rev) {
		t.Fatalf("stored _id/_rev: %s", b)
	}
	delete(stored, "_id")
	delete(stored, "_rev")
	app, _ := json.Marshal(stored)
	if !sameJSON(t, app, []byte(body)) {
		t.Fatalf("stored fields:\n got %s\nwant %s", app, body)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestBulkItems(t *testing.T) {
	d, ctx := provisioned(t)
	bulkCreate(t, ctx, d, items, []string{"a", "b", "c", "gone"}, func(int) string { return `{"owner":"u"}` })
	a, _ := d.Get(ctx, items, "a")
	b, _ := d.Get(ctx, items, "b")
	if err := d.Delete(ctx, items, "gone", ""); err != nil {
		t.Fatal(err)
	}
	res, err := d.GetMany(ctx, items, []string{"c", "missing", "gone", "a", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Doc.ID != "c" || !errors.Is(res[1].Err, runtime.ErrNotFound) || !errors.Is(res[2].Err, runtime.ErrNotFound) || res[3].Doc.Rev != a.Rev || res[4].Doc.ID != "c" {
		t.Fatalf("GetMany: %+v", res)
	}
	w := func(kind runtime.WriteKind, id, rev string) runtime.Write {
		return runtime.Write{Kind: kind, Doc: runtime.RawDoc{ID: id, Rev: rev, Body: []byte(`{"owner":"v"}`)}}
	}
	out, err := d.BulkWrite(ctx, items, []runtime.Write{
		w(runtime.WriteCreate, "a", ""),        // taken
		w(runtime.WriteReplace, "a", a.Rev),    // current
		w(runtime.WriteReplace, "a", a.Rev),    // now stale
		w(runtime.WriteReplace, "nope", a.Rev), // missing
		w(runtime.WriteDelete, "b", "1-abc"),   // stale
		w(runtime.WriteDelete, "b", b.Rev),     // current
		w(runtime.WriteDelete, "c", ""),        // any
		w(runtime.WriteDelete, "gone", ""),     // missing
		w(runtime.WriteCreate, "gone", ""),     // re-create
	})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []runtime.Kind{runtime.KindAlreadyExists, 0, runtime.KindConflict, runtime.KindNotFound, runtime.KindConflict, 0, 0, runtime.KindNotFound, 0}
	for i, k := range kinds {
		if runtime.KindOf(out[i].Err) != k {
			t.Fatalf("item %d: %v, want kind %v", i, out[i].Err, k)
		}
	}
	if out[1].Rev == "" || out[8].Rev == "" || out[5].Rev != "" {
		t.Fatalf("revisions: %+v", out)
	}
	p, err := d.Query(ctx, items, runtime.DriverQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, doc := range p.Docs {
		ids = append(ids, doc.ID)
	}
	if !slices.Equal(ids, []string{"a", "gone"}) {
		t.Fatalf("left after BulkWrite: %v", ids)
	}
}

// noPassword fails if err's text (or any error in its chain) holds password.
func noPassword(t *testing.T, what string, err error, password string) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), password) || strings.Contains(fmt.Sprintf("%+v %#v", e, e), password) {
			t.Fatalf("%s: the error shows the password: %v", what, e)
		}
	}
}

// everyCall runs each driver method once and returns their errors.
func everyCall(ctx context.Context, d *Driver) map[string]error {
	errs := map[string]error{}
	_, errs["get"] = d.Get(ctx, items, "x")
	_, errs["create"] = d.Create(ctx, items, runtime.RawDoc{ID: "x", Body: []byte(`{}`)})
	_, errs["replace"] = d.Replace(ctx, items, runtime.RawDoc{ID: "x", Rev: "1-a", Body: []byte(`{}`)})
	errs["delete"] = d.Delete(ctx, items, "x", "")
	_, errs["list"] = d.Query(ctx, items, runtime.DriverQuery{Limit: 2})
	_, errs["query"] = d.Query(ctx, items, runtime.DriverQuery{Index: byOwner, Values: []any{"u"}, Limit: 2})
	_, errs["get many"] = d.GetMany(ctx, items, []string{"x"})
	_, errs["bulk write"] = d.BulkWrite(ctx, items, []runtime.Write{{Kind: runtime.WriteDelete, Doc: runtime.RawDoc{ID: "x"}}})
	errs["ensure schema"] = d.EnsureSchema(ctx, testSchema)
	return errs
}

func TestCredentialsNeverShown(t *testing.T) {
	s := testServer(t)
	ctx := ctxT(t)
	const secret = "s3cret-Pa55word-never-shown"
	// A wrong password: every call fails with a clear, non-retryable error.
	bad, err := New(ctx, Options{URL: s.url, User: s.user, Password: secret, Prefix: testPrefix()})
	if err != nil {
		t.Fatal(err)
	}
	for call, err := range everyCall(ctx, bad) {
		if err == nil || runtime.KindOf(err) != runtime.KindInternal || !strings.Contains(err.Error(), "authentication failed") {
			t.Fatalf("%s with a wrong password: %v, want an authentication error", call, err)
		}
		noPassword(t, call+" with a wrong password", err, secret)
	}
	// An unreachable server: kind unavailable, retryable.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	down, err := New(ctx, Options{URL: "http://" + addr, User: "admin", Password: secret})
	if err != nil {
		t.Fatal(err)
	}
	for call, err := range everyCall(ctx, down) {
		if !errors.Is(err, runtime.ErrUnavailable) || !runtime.IsRetryable(err) {
			t.Fatalf("%s on a refused connection: %v, want unavailable", call, err)
		}
		noPassword(t, call+" on a refused connection", err, secret)
	}
	// Bad URLs, including ones that carry the password themselves.
	for _, u := range []string{"", "not a url", "ftp://host", "http://admin:" + secret + "@" + addr, "http://[::1" + secret, "http://host:" + secret, "//" + secret} {
		_, err := New(ctx, Options{URL: u, User: "admin", Password: secret})
		if err == nil {
			t.Fatalf("URL %q accepted", u)
		}
		noPassword(t, "New with a bad URL", err, secret)
		_, err = runtime.Open(ctx, testSchema, runtime.WithProvider("couchdb"), runtime.WithEnv(runtime.MapEnv(map[string]string{
			EnvURL: u, EnvUser: "admin", EnvPassword: secret,
		})))
		if err == nil {
			t.Fatalf("URL %q accepted from the environment", u)
		}
		noPassword(t, "Open with a bad URL", err, secret)
	}
}

func TestHTTPS(t *testing.T) {
	s := testServer(t)
	target, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	defer proxy.Close()
	ctx := ctxT(t)
	prefix := testPrefix()
	d, err := New(ctx, Options{URL: proxy.URL, User: s.user, Password: s.password, Prefix: prefix, HTTP: proxy.Client()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = d.client.DestroyDB(context.Background(), d.DBName(plain))
		_ = d.Close()
	}()
	if err := d.EnsureSchema(ctx, runtime.MustSchema(plain)); err != nil {
		t.Fatalf("EnsureSchema over https: %v", err)
	}
	if _, err := d.Create(ctx, plain, runtime.RawDoc{ID: "tls", Body: []byte(`{"ok":true}`)}); err != nil {
		t.Fatalf("Create over https: %v", err)
	}
	if got, err := d.Get(ctx, plain, "tls"); err != nil || got.ID != "tls" {
		t.Fatalf("Get over https: %v %v", got, err)
	}
	// The default client does not trust the test certificate: the TLS
	// handshake happens, fails, and the error shows no password.
	untrusted, err := New(ctx, Options{URL: proxy.URL, User: s.user, Password: s.password, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	_, err = untrusted.Get(ctx, plain, "tls")
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) && !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Get over https with an untrusted certificate: %v", err)
	}
	noPassword(t, "untrusted https", err, s.password)
	// A client's http.Client is not modified (kivik installs its auth
	// transport on a copy).
	if proxy.Client().Transport == nil {
		t.Fatal("test client lost its transport")
	}
}

func TestOpenFromEnv(t *testing.T) {
	s := testServer(t)
	ctx := ctxT(t)
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(s.password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	prefix := testPrefix()
	full := map[string]string{EnvURL: s.url, EnvUser: s.user, EnvPassword + "_FILE": pwFile, EnvDBPrefix: prefix}
	store, err := runtime.Open(ctx, testSchema, runtime.WithEnv(runtime.MapEnv(map[string]string{runtime.ProviderEnv: "couchdb", EnvURL: s.url, EnvUser: s.user, EnvPassword + "_FILE": pwFile, EnvDBPrefix: prefix})))
	if err != nil {
		t.Fatal(err)
	}
	d := store.Driver().(*Driver)
	t.Cleanup(func() {
		for _, c := range testSchema.Collections() {
			_ = d.client.DestroyDB(context.Background(), d.DBName(c))
		}
		_ = store.Close()
	})
	if err := store.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := d.client.DBExists(ctx, prefix+"items"); err != nil || !ok {
		t.Fatalf("database %sitems not created: %v", prefix, err)
	}
	// Each missing variable is named, never a value.
	for _, name := range []string{EnvURL, EnvUser, EnvPassword} {
		env := maps.Clone(full)
		delete(env, name)
		delete(env, name+"_FILE")
		_, err := runtime.Open(ctx, testSchema, runtime.WithProvider("couchdb"), runtime.WithEnv(runtime.MapEnv(env)))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Fatalf("without %s: %v", name, err)
		}
		noPassword(t, "Open without "+name, err, s.password)
	}
	env := maps.Clone(full)
	env[EnvPassword+"_FILE"] = filepath.Join(dir, "missing")
	_, err = runtime.Open(ctx, testSchema, runtime.WithProvider("couchdb"), runtime.WithEnv(runtime.MapEnv(env)))
	if err == nil || !strings.Contains(err.Error(), EnvPassword+"_FILE") {
		t.Fatalf("unreadable password file: %v", err)
	}
	env = maps.Clone(full)
	env[EnvDBPrefix] = "Bad Prefix"
	if _, err = runtime.Open(ctx, testSchema, runtime.WithProvider("couchdb"), runtime.WithEnv(runtime.MapEnv(env))); err == nil {
		t.Fatal("invalid database prefix accepted")
	}
}

func TestContextCanceled(t *testing.T) {
	d, ctx := provisioned(t)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for call, err := range everyCall(canceled, d) {
		if !errors.Is(err, runtime.ErrCanceled) || !errors.Is(err, context.Canceled) {
			t.Fatalf("%s with a canceled context: %v", call, err)
		}
	}
	// A server that does not answer: the deadline ends the call.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold the connection open, say nothing
		}
	}()
	mute, err := New(ctx, Options{URL: "http://" + ln.Addr().String(), User: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel2()
	start := time.Now()
	_, err = mute.Get(short, items, "x")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("Get from a mute server: %v after %v", err, time.Since(start))
	}
}

// A server that answers 5xx is unavailable (retryable) on every call, and
// the deadline of the caller's context is honoured against one that hangs.
func TestServerErrorsAreUnavailable(t *testing.T) {
	const secret = "pw-never-in-errors"
	for _, code := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"error":"unavailable","reason":"try later"}`))
		}))
		d, err := New(ctxT(t), Options{URL: srv.URL, User: "admin", Password: secret})
		if err != nil {
			t.Fatal(err)
		}
		for call, err := range everyCall(ctxT(t), d) {
			if !errors.Is(err, runtime.ErrUnavailable) {
				t.Fatalf("HTTP %d: %s: %v, want unavailable", code, call, err)
			}
			noPassword(t, call, err, secret)
		}
		srv.Close()
	}
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	d, err := New(ctxT(t), Options{URL: srv.URL, User: "admin", Password: secret})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctxT(t), 200*time.Millisecond)
	defer cancel()
	_, err = d.Get(ctx, items, "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get against a hanging server: %v, want the context's deadline", err)
	}
}
