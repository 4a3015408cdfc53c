package drivertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/dbgen/dbgen/runtime"
)

// Bench runs the same workload against any driver, so providers (and
// changes to the core) can be compared with benchstat. open returns a driver
// over a fresh, empty namespace.
func Bench(b *testing.B, open func(b *testing.B) runtime.Driver) {
	setup := func(b *testing.B, n int) (context.Context, *thingRepo) {
		b.Helper()
		ctx := context.Background()
		store, err := runtime.Open(ctx, suiteSchema, runtime.WithDriver(open(b)))
		if err != nil {
			b.Fatal(err)
		}
		if err := store.EnsureSchema(ctx); err != nil {
			b.Fatal(err)
		}
		repo := runtime.NewRepo[Thing, *Thing, ThingID](store, things)
		docs := make([]*Thing, n)
		for i := range docs {
			docs[i] = newThing(fmt.Sprintf("item-%05d", i))
			docs[i].Group = fmt.Sprintf("g%d", i%5)
		}
		if _, err := repo.SaveMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
		return ctx, repo
	}
	b.Run("Get", func(b *testing.B) {
		ctx, repo := setup(b, 1000)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := repo.Get(ctx, ThingID(fmt.Sprintf("item-%05d", i%1000))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Create", func(b *testing.B) {
		ctx, repo := setup(b, 0)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := repo.Create(ctx, newThing(fmt.Sprintf("new-%09d", i))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Update", func(b *testing.B) {
		ctx, repo := setup(b, 1)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := repo.Update(ctx, "item-00000", func(t *Thing) error { t.Count++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("QueryPage100", func(b *testing.B) {
		ctx, repo := setup(b, 2000)
		b.ReportAllocs()
		for b.Loop() {
			p, err := repo.QueryPage(ctx, byGroup, runtime.PageRequest{Limit: 100}, "g3")
			if err != nil || len(p.Items) != 100 {
				b.Fatal(err, len(p.Items))
			}
		}
	})
	b.Run("ListAll2000", func(b *testing.B) {
		ctx, repo := setup(b, 2000)
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range repo.List(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 2000 {
				b.Fatal(n)
			}
		}
	})
}
