package memory_test

import (
	"testing"

	"github.com/dbgen/dbgen/runtime"
	"github.com/dbgen/dbgen/runtime/drivertest"
	"github.com/dbgen/dbgen/runtime/memory"
)

func TestConformance(t *testing.T) {
	drivertest.Run(t, drivertest.Harness{
		Open:            func(*testing.T) runtime.Driver { return memory.New() },
		ListOrderedByID: true,
	})
}

var plain = &runtime.Collection{Name: "plain"}

// The driver copies on the way in and out: no caller can reach stored bytes.
func TestCopiesInAndOut(t *testing.T) {
	ctx := t.Context()
	d := memory.New()
	body := []byte(`{"name":"original"}`)
	if _, err := d.Create(ctx, plain, runtime.RawDoc{ID: "a", Body: body}); err != nil {
		t.Fatal(err)
	}
	copy(body, `{"name":"MUTATED!"}`)
	got, err := d.Get(ctx, plain, "a")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Body) != `{"name":"original"}` {
		t.Fatalf("stored body changed through the caller's slice: %s", got.Body)
	}
	copy(got.Body, `{"name":"MUTATED!"}`)
	again, _ := d.Get(ctx, plain, "a")
	if string(again.Body) != `{"name":"original"}` {
		t.Fatalf("stored body changed through a returned slice: %s", again.Body)
	}
	page, err := d.Query(ctx, plain, runtime.DriverQuery{Limit: 10})
	if err != nil || len(page.Docs) != 1 {
		t.Fatalf("Query: %v %v", page, err)
	}
	copy(page.Docs[0].Body, `{"name":"MUTATED!"}`)
	if again, _ := d.Get(ctx, plain, "a"); string(again.Body) != `{"name":"original"}` {
		t.Fatalf("stored body changed through a listed slice: %s", again.Body)
	}
}

func TestClosed(t *testing.T) {
	d := memory.New()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(t.Context(), plain, "a"); !runtime.IsRetryable(err) {
		t.Fatalf("Get after Close: %v, want unavailable", err)
	}
}

func TestRegisteredAsDefault(t *testing.T) {
	s := runtime.MustSchema(plain)
	store, err := runtime.Open(t.Context(), s, runtime.WithEnv(runtime.MapEnv(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := store.Driver().(*memory.Driver); !ok {
		t.Fatalf("default provider is %T, want *memory.Driver", store.Driver())
	}
	store, err = runtime.Open(t.Context(), s, runtime.WithEnv(runtime.MapEnv(map[string]string{"DATABASE_PROVIDER": "memory"})))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := store.Driver().(*memory.Driver); !ok {
		t.Fatalf("DATABASE_PROVIDER=memory opened %T", store.Driver())
	}
}

func BenchmarkMemory(b *testing.B) {
	drivertest.Bench(b, func(*testing.B) runtime.Driver { return memory.New() })
}

// An object stored where a query expects a scalar never matches that
// scalar, not even its own JSON text.
func TestCompositeNeverEqualsScalar(t *testing.T) {
	ctx := t.Context()
	byF := &runtime.Index{Name: "f", Fields: []runtime.IndexField{{Name: "f", Kind: runtime.FieldString}}}
	c := &runtime.Collection{Name: "mixed", Indexes: []*runtime.Index{byF}}
	d := memory.New()
	for id, body := range map[string]string{"obj": `{"f":{"a":1}}`, "str": `{"f":"{\"a\":1}"}`, "num": `{"f":1}`} {
		if _, err := d.Create(ctx, c, runtime.RawDoc{ID: id, Body: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	for value, want := range map[any]string{`{"a":1}`: "str", int64(1): "num", 1.0: "num"} {
		p, err := d.Query(ctx, c, runtime.DriverQuery{Index: byF, Values: []any{value}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Docs) != 1 || p.Docs[0].ID != want {
			t.Fatalf("query %v: %v, want only %s", value, p.Docs, want)
		}
	}
}
