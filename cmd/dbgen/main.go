// Command dbgen generates dbgen_gen.go, the typed and validated repositories
// of the annotated struct types of one Go package. Run it from the package
// directory (as //go:generate does) or name the directory with -dir. On any
// error it prints every problem to stderr, writes nothing and exits 1.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dbgen/dbgen/generator"
)

func main() {
	dir := flag.String("dir", ".", "directory of the package to generate")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dir string) error {
	pkg, err := generator.Load(dir)
	if err != nil {
		return err
	}
	files, err := generator.Generate(pkg)
	if err != nil {
		var list generator.Errors
		if errors.As(err, &list) {
			return prefixed(dir, list)
		}
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, files[name]) {
			continue // unchanged: keep the file's time stamp, so builds stay cached
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// prefixed reports diagnostics relative to the working directory.
func prefixed(dir string, list generator.Errors) error {
	lines := make([]string, len(list))
	for i, d := range list {
		if dir != "." {
			d.File = filepath.ToSlash(filepath.Join(dir, d.File))
		}
		lines[i] = d.String()
	}
	return errors.New(strings.Join(lines, "\n"))
}
