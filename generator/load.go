package generator

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// FileName is the name of the generated file in the annotated package.
const FileName = "dbgen_gen.go"

// LoadMode is what the generator needs from go/packages.
const LoadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo

// Load loads the package in dir for Generate. A dbgen_gen.go already in dir
// is replaced by its bare package clause, so that stale or broken output
// never stops the next run.
func Load(dir string) (*packages.Package, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	overlay := map[string][]byte{}
	gen := filepath.Join(abs, FileName)
	if _, err := os.Stat(gen); err == nil {
		name, err := packageName(abs)
		if err != nil {
			return nil, err
		}
		overlay[gen] = []byte("package " + name + "\n")
	}
	return LoadWithOverlay(abs, overlay)
}

// LoadWithOverlay loads the package in dir with some files replaced by the
// given contents (keyed by absolute path), as tests do to type-check output.
func LoadWithOverlay(dir string, overlay map[string][]byte) (*packages.Package, error) {
	cfg := &packages.Config{Mode: LoadMode, Dir: dir, Overlay: overlay}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", dir, err)
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("loading %s: found %d packages, want 1", dir, len(pkgs))
	}
	return pkgs[0], nil
}

// packageName reads the package clause of the existing output, or else of
// any other Go file in dir.
func packageName(dir string) (string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	gen := filepath.Join(dir, FileName)
	files = append([]string{gen}, files...) // the output first: it names the package
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue // may be package x_test
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err == nil {
			return af.Name.Name, nil
		}
	}
	return "", fmt.Errorf("%s: no Go file with a package clause", dir)
}
