package generator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const input = `package p

//dbgen:collection docs
type Doc struct {
	ID   string ` + "`json:\"_id\"`" + `
	Name string ` + "`json:\"name\" validate:\"required\"`" + `
}
`

func writePackage(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/p\n\ngo 1.24\n"
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A stale or broken dbgen_gen.go, and code using the names it declares, must
// not stop the next generation.
func TestLoadIgnoresExistingOutput(t *testing.T) {
	dir := writePackage(t, map[string]string{
		"doc.go":      input,
		"use.go":      "package p\n\nfunc parse(s string) error { _, err := ParseDocID(s); return err }\n",
		FileName:      "package p\n\nthis is not Go\n",
		"doc_test.go": "package p\n",
	})
	pkg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(pkg)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if !strings.Contains(string(files[FileName]), "func ParseDocID(") {
		t.Error("output lacks ParseDocID")
	}
}

// Errors are all reported, sorted by position, relative to the package.
func TestErrorsSortedAndComplete(t *testing.T) {
	dir := writePackage(t, map[string]string{
		"b.go": "package p\n\n//dbgen:collection b_docs\ntype B struct {\n\tID string `json:\"_id\"`\n\tC chan int `json:\"c\"`\n}\n",
		"a.go": "package p\n\n//dbgen:collection a_docs id=nope\ntype A struct {\n\tID string `json:\"_id\"`\n\tF func() `json:\"f\"`\n}\n",
	})
	pkg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Generate(pkg)
	var list Errors
	if !errors.As(err, &list) {
		t.Fatalf("err = %v, want Errors", err)
	}
	want := "a.go:3:1: collection a_docs: bad ID rule id=nope (want default, uuid or /REGEX/)\n" +
		"a.go:6:2: field F: unsupported type func()\n" +
		"b.go:6:2: field C: unsupported type chan int"
	if err.Error() != want {
		t.Errorf("errors:\n%s\nwant:\n%s", err, want)
	}
}

func TestAnchored(t *testing.T) {
	for pat, want := range map[string]bool{
		`^[a-z]+$`: true, `^(a|b)$`: true, `[a-z]+`: false, `^a`: false, `a$`: false, `^a$|^b$`: false, `^a|b$`: false,
	} {
		if got := anchored(pat); got != want {
			t.Errorf("anchored(%s) = %v, want %v", pat, got, want)
		}
	}
}
