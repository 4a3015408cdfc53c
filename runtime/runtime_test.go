package runtime_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbgen/dbgen/runtime"
)

var schema = runtime.MustSchema(&runtime.Collection{Name: "things"})

func TestOpenUnknownProviderIsAnError(t *testing.T) {
	for _, name := range []string{"memroy", "CouchDB", "postgres"} {
		_, err := runtime.Open(context.Background(), schema, runtime.WithEnv(runtime.MapEnv(map[string]string{"DATABASE_PROVIDER": name})))
		if err == nil {
			t.Fatalf("DATABASE_PROVIDER=%q opened a store; a misspelt provider must never fall back", name)
		}
		for _, valid := range []string{"memory", "couchdb", "firestore", "dynamodb"} {
			if !strings.Contains(err.Error(), valid) {
				t.Fatalf("error %q does not list the valid provider %q", err, valid)
			}
		}
	}
}

func TestOpenKnownProviderNotCompiledIn(t *testing.T) {
	_, err := runtime.Open(context.Background(), schema, runtime.WithProvider("dynamodb"))
	if err == nil || !strings.Contains(err.Error(), "runtime/dynamodb") {
		t.Fatalf("got %v, want an error naming the package to import", err)
	}
}

func TestSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pw")
	if err := os.WriteFile(path, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := runtime.MapEnv(map[string]string{"PW_FILE": path})
	v, ok, err := runtime.Secret(env, "PW")
	if err != nil || !ok || v != "s3cret" {
		t.Fatalf("Secret via _FILE: %q %v %v", v, ok, err)
	}
	env = runtime.MapEnv(map[string]string{"PW": "direct", "PW_FILE": path})
	if v, _, _ := runtime.Secret(env, "PW"); v != "direct" {
		t.Fatalf("the variable itself wins over _FILE, got %q", v)
	}
	if _, ok, err := runtime.Secret(runtime.MapEnv(nil), "PW"); ok || err != nil {
		t.Fatalf("unset secret: ok=%v err=%v", ok, err)
	}
	_, _, err = runtime.Secret(runtime.MapEnv(map[string]string{"PW_FILE": filepath.Join(dir, "missing")}), "PW")
	if err == nil {
		t.Fatal("missing secret file: no error")
	}
}

func TestIDRule(t *testing.T) {
	def := runtime.IDRule{}
	for _, ok := range []string{"a", "A-z_0", strings.Repeat("x", 100)} {
		if err := def.Check(ok); err != nil {
			t.Errorf("default rule rejects %q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", " ", "a.b", "a/b", "ü", strings.Repeat("x", 101), "_", "_design", "_x"} {
		if err := def.Check(bad); !errors.Is(err, runtime.ErrInvalidID) {
			t.Errorf("default rule accepts %q", bad)
		}
	}
	uuid := runtime.IDRule{Pattern: runtime.UUIDPattern}
	if err := uuid.Check("0b9e1c1e-2f4e-4b7a-9a4e-3c2d1b0a9f8e"); err != nil {
		t.Error(err)
	}
	if err := uuid.Check("0B9E1C1E-2F4E-4B7A-9A4E-3C2D1B0A9F8E"); err == nil {
		t.Error("UUID rule accepts upper case")
	}
}

func TestErrorKindsAndText(t *testing.T) {
	err := error(&runtime.Error{Kind: runtime.KindConflict, Op: "replace", Collection: "agents", ID: "a1"})
	if !errors.Is(err, runtime.ErrConflict) || errors.Is(err, runtime.ErrNotFound) {
		t.Fatal("errors.Is does not follow the kind")
	}
	if got := err.Error(); got != `dbgen: replace agents/"a1": revision conflict` {
		t.Fatalf("text: %s", got)
	}
	v := runtime.ValidationError("users", "basicInfo.email", "email")
	if got := v.Error(); got != "dbgen: validate users: validation failed: field basicInfo.email fails email" {
		t.Fatalf("text: %s", got)
	}
	if runtime.KindOf(errors.Join(errors.New("x"), v)) != runtime.KindValidation {
		t.Fatal("KindOf does not find a joined error")
	}
	if !runtime.IsRetryable(&runtime.Error{Kind: runtime.KindUnavailable}) || runtime.IsRetryable(v) {
		t.Fatal("IsRetryable")
	}
}

func TestSchemaRejectsBadSpecs(t *testing.T) {
	a := &runtime.Collection{Name: "a"}
	if _, err := runtime.NewSchema(a, &runtime.Collection{Name: "a"}); err == nil {
		t.Error("duplicate collection name accepted")
	}
	for _, name := range []string{"", "Agents", "1x", "a-b", "_users", strings.Repeat("a", 64)} {
		if _, err := runtime.NewSchema(&runtime.Collection{Name: name}); err == nil {
			t.Errorf("collection name %q accepted", name)
		}
	}
	ix := &runtime.Index{Name: "x", Fields: []runtime.IndexField{{Name: "_id", Kind: runtime.FieldString}}}
	if _, err := runtime.NewSchema(&runtime.Collection{Name: "b", Indexes: []*runtime.Index{ix}}); err == nil {
		t.Error("index on a system field accepted")
	}
}
