// Package golden_test runs the generator on every case folder: a success
// case is a package whose committed dbgen_gen.go is the expected output; an
// error case holds expected.err, the exact diagnostics. Run
// `go test ./golden/... -update` to rewrite both kinds of expected files.
package golden_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/dbgen/dbgen/generator"
)

var update = flag.Bool("update", false, "rewrite the expected files of the golden cases")

func TestGolden(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "testdata" {
			continue
		}
		cases++
		dir, _ := filepath.Abs(e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "expected.err")); err == nil {
				errorCase(t, dir)
			} else {
				successCase(t, dir)
			}
		})
	}
	if cases == 0 {
		t.Fatal("no golden cases found")
	}
}

func errorCase(t *testing.T, dir string) {
	pkg, err := generator.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = generator.Generate(pkg)
	if err == nil {
		t.Fatal("generation succeeded; want the errors of expected.err")
	}
	compare(t, filepath.Join(dir, "expected.err"), []byte(err.Error()+"\n"))
}

func successCase(t *testing.T, dir string) {
	pkg, err := generator.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := generator.Generate(pkg)
	if err != nil {
		t.Fatalf("generation failed:\n%v", err)
	}
	got := files[generator.FileName]
	compare(t, filepath.Join(dir, generator.FileName), got)

	again, err := generator.Generate(pkg)
	if err != nil || !bytes.Equal(again[generator.FileName], got) {
		t.Errorf("second generation differs (err %v): output is not deterministic", err)
	}

	// The output must type-check with the package it belongs to.
	checked, err := generator.LoadWithOverlay(dir, map[string][]byte{filepath.Join(dir, generator.FileName): got})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range checked.Errors {
		t.Errorf("generated code does not type-check: %v", e)
	}
}

func compare(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated output (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", filepath.Base(path), got, want)
	}
}
