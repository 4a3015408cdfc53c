package generator

import (
	"cmp"
	"fmt"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// Diagnostic is one error in the annotated package, at a source position.
type Diagnostic struct {
	File      string // relative to the package directory, slash-separated
	Line, Col int
	Msg       string
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
}

// Errors is every diagnostic of a failed generation, sorted by position.
type Errors []Diagnostic

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, d := range e {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// diagnostics collects errors so that a run reports all of them, not the first.
type diagnostics struct {
	fset *token.FileSet
	dir  string // package directory; file names are reported relative to it
	list []Diagnostic
}

func (d *diagnostics) errorf(pos token.Pos, format string, args ...any) {
	p := d.fset.Position(pos)
	d.add(p.Filename, p.Line, p.Column, fmt.Sprintf(format, args...))
}

func (d *diagnostics) add(file string, line, col int, msg string) {
	d.list = append(d.list, Diagnostic{File: d.rel(file), Line: line, Col: col, Msg: msg})
}

func (d *diagnostics) rel(file string) string {
	if file == "" {
		return "-"
	}
	if r, err := filepath.Rel(d.dir, file); err == nil {
		file = r
	}
	return filepath.ToSlash(file)
}

// result returns the sorted, deduplicated diagnostics as an error, or nil.
// (A struct embedded in two collections reports its errors once.)
func (d *diagnostics) result() error {
	if len(d.list) == 0 {
		return nil
	}
	slices.SortFunc(d.list, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), cmp.Compare(a.Msg, b.Msg))
	})
	return Errors(slices.Compact(d.list))
}
