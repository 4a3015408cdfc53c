package couchdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbgen/dbgen/runtime"
	"github.com/dbgen/dbgen/runtime/drivertest"
)

// server is the test server's configuration, from the variables the provider
// itself reads. scripts/couchdb.sh starts one and writes them to
// .cache/run/couchdb.env. Without them the tests skip, except under CI,
// where a missing server is a failure.
type server struct{ url, user, password string }

func testServer(t *testing.T) server {
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
func openTest(t *testing.T) *Driver {
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

