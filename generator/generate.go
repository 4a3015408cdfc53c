// Package generator reads a Go package whose struct types carry dbgen
// annotations (the contract is in the README), checks them, and renders the
// package's typed, validated repositories (dbgen_gen.go) with the templates
// package. Generation is a pure function of the loaded package; only the
// dbgen command writes files.
package generator

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dbgen/dbgen/generator/model"
	"github.com/dbgen/dbgen/templates"
	"golang.org/x/tools/go/packages"
)

// Generate checks the annotations of pkg (as returned by Load) and returns
// the generated files by name. On failure the error is an Errors value
// holding every problem found, sorted by position.
func Generate(pkg *packages.Package) (map[string][]byte, error) {
	m, err := Build(pkg)
	if err != nil {
		return nil, err
	}
	src, err := templates.Render(m)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", pkg.PkgPath, err)
	}
	return map[string][]byte{FileName: src}, nil
}

// Build checks the annotations of pkg and returns its model.
func Build(pkg *packages.Package) (*model.Package, error) {
	b := &builder{
		diagnostics: diagnostics{fset: pkg.Fset, dir: packageDir(pkg)},
		pkg:         pkg,
		structs:     map[*types.TypeName]*model.Struct{},
		fieldPos:    map[*model.Field]token.Pos{},
		indexTags:   map[*model.Field]bool{},
		typePos:     map[*model.Collection]token.Pos{},
		restPos:     map[*model.Struct]token.Pos{},
	}
	if b.loadErrors(nil, true) {
		return nil, b.result()
	}
	m := &model.Package{Name: pkg.Name, Path: pkg.PkgPath}
	byName := map[string]*model.Collection{}
	byField := map[string]*model.Collection{}
	for _, a := range b.directives() {
		c := b.collection(a)
		if c == nil || c.Name == "" {
			continue
		}
		pos := b.typePos[c]
		if prev := byName[c.Name]; prev != nil {
			b.errorf(pos, "type %s: collection %s is already declared by %s", c.Type.Name, c.Name, prev.Type.Name)
			continue
		}
		field := templates.Camel(c.Name)
		if prev := byField[field]; prev != nil || field == "Store" || field == "Close" {
			b.errorf(pos, "type %s: collection %s would be field DB.%s, which is taken", c.Type.Name, c.Name, field)
			continue
		}
		byName[c.Name], byField[field] = c, c
		m.Collections = append(m.Collections, c)
	}
	if len(m.Collections) == 0 && len(b.list) == 0 {
		b.errorf(b.firstFile(), "no //dbgen:collection in package %s", pkg.Name)
	}
	b.indexTagsOutsideCollections(m)
	b.restOutsideCollections(m)
	b.finishStructs(m)
	generated := b.checkNames(m)
	b.loadErrors(generated, false)
	if err := b.result(); err != nil {
		return nil, err
	}
	return m, nil
}

// firstFile is the package clause of the first input file, where problems
// of the package as a whole are reported.
func (b *builder) firstFile() token.Pos {
	first := token.NoPos
	for _, f := range b.pkg.Syntax {
		name := b.fset.Position(f.Package).Filename
		if filepath.Base(name) != FileName && (first == token.NoPos || name < b.fset.Position(first).Filename) {
			first = f.Package
		}
	}
	return first
}

func packageDir(pkg *packages.Package) string {
	for _, f := range append(pkg.GoFiles, pkg.CompiledGoFiles...) {
		return filepath.Dir(f)
	}
	return "."
}

// indexTagsOutsideCollections rejects dbgen:"index" where no query can use it.
func (b *builder) indexTagsOutsideCollections(m *model.Package) {
	top := map[*model.Field]bool{}
	for _, c := range m.Collections {
		for _, f := range c.Type.Fields {
			top[f] = true
		}
	}
	for f := range b.indexTags {
		if !top[f] {
			b.errorf(b.fieldPos[f], "field %s: dbgen:\"index\" applies only to top-level fields of a collection", f.GoName())
		}
	}
}

// restOutsideCollections rejects dbgen:"rest" on a struct that is not a
// collection's own: only a whole stored body has undeclared members to keep.
func (b *builder) restOutsideCollections(m *model.Package) {
	own := map[*model.Struct]bool{}
	for _, c := range m.Collections {
		own[c.Type] = true
	}
	for s, pos := range b.restPos {
		if !own[s] {
			b.errorf(pos, "field %s: dbgen:\"rest\" applies only to a collection's own struct type", s.Rest)
		}
	}
}

// finishStructs orders the structs (locals first, in source order, then
// foreign ones by import path), names their check functions and works out
// which need checking and which hold secrets.
func (b *builder) finishStructs(m *model.Package) {
	var local, foreign []*model.Struct
	for _, s := range b.structOrder {
		if s.Local {
			local = append(local, s)
		} else {
			foreign = append(foreign, s)
		}
	}
	sortStructs(local, func(s *model.Struct) string { return b.structKey(s) })
	sortStructs(foreign, func(s *model.Struct) string { return s.PkgPath + "." + s.Name })
	m.Structs = append(local, foreign...)
	used := map[string]bool{}
	for _, s := range m.Structs {
		name := "check" + s.Name
		if !s.Local {
			name = "check" + templates.Camel(filepath.Base(s.PkgPath)) + s.Name
		}
		for base, i := name, 2; used[name]; i++ {
			name = base + strconv.Itoa(i)
		}
		used[name] = true
		s.Check = name
	}
	for changed := true; changed; {
		changed = false
		for _, s := range m.Structs {
			for _, f := range s.Fields {
				if f.System {
					continue
				}
				checked := s.Checked || hasRules(f) || needsCheck(f.Type)
				secrets := s.Secrets || f.Secret || holdsSecrets(f.Type)
				if checked != s.Checked || secrets != s.Secrets {
					s.Checked, s.Secrets, changed = checked, secrets, true
				}
			}
		}
	}
}

// structKey orders local structs by their declaration position.
func (b *builder) structKey(s *model.Struct) string {
	obj := b.pkg.Types.Scope().Lookup(s.Name)
	p := b.fset.Position(obj.Pos())
	return fmt.Sprintf("%s:%09d:%09d", p.Filename, p.Line, p.Column)
}

func sortStructs(list []*model.Struct, key func(*model.Struct) string) {
	keys := map[*model.Struct]string{}
	for _, s := range list {
		keys[s] = key(s)
	}
	slices.SortStableFunc(list, func(a, b *model.Struct) int { return strings.Compare(keys[a], keys[b]) })
}

func hasRules(f *model.Field) bool {
	for _, level := range f.Rules {
		if len(level) > 0 {
			return true
		}
	}
	return false
}

// needsCheck reports whether validating a value of t can fail without rules:
// every string is capped, and structs may have rules of their own.
func needsCheck(t *model.Type) bool {
	switch t.Kind {
	case model.String:
		return true
	case model.Object:
		return t.Struct.Checked
	case model.Pointer, model.Slice, model.Array, model.Map:
		return needsCheck(t.Elem)
	}
	return false
}

func holdsSecrets(t *model.Type) bool {
	switch t.Kind {
	case model.Object:
		return t.Struct.Secrets
	case model.Pointer, model.Slice, model.Array, model.Map:
		return holdsSecrets(t.Elem)
	}
	return false
}

// checkNames reports generated names that would collide with the package's
// own declarations, and returns the generated names.
func (b *builder) checkNames(m *model.Package) map[string]bool {
	names := templates.PackageNames(m)
	scope := b.pkg.Types.Scope()
	for _, name := range names {
		if obj := scope.Lookup(name.Name); obj != nil && !b.inOutput(obj.Pos()) {
			b.errorf(obj.Pos(), "%s %s collides with a name that dbgen generates", objKind(obj), name.Name)
		}
	}
	generated := map[string]bool{}
	for _, name := range names {
		generated[name.Name] = true
	}
	for _, s := range m.Structs {
		if !s.Local {
			continue
		}
		obj := scope.Lookup(s.Name)
		for _, method := range templates.MethodNames(m, s) {
			generated[method] = true
			if x, _, _ := types.LookupFieldOrMethod(types.NewPointer(obj.Type()), true, b.pkg.Types, method); x != nil && !b.inOutput(x.Pos()) {
				b.errorf(x.Pos(), "type %s: %s collides with the method %s that dbgen generates", s.Name, x.Name(), method)
			}
		}
	}
	return generated
}

func objKind(obj types.Object) string {
	switch obj.(type) {
	case *types.TypeName:
		return "type"
	case *types.Func:
		return "func"
	case *types.Const:
		return "const"
	}
	return "var"
}

func (b *builder) inOutput(pos token.Pos) bool {
	return filepath.Base(b.fset.Position(pos).Filename) == FileName
}

var (
	loadPos      = regexp.MustCompile(`^(.*):(\d+):(\d+)$`)
	compilerLine = regexp.MustCompile(`^(.*?):(\d+):(\d+): (.*)$`)
	undefinedUse = regexp.MustCompile(`^undefined: (\w+)$|has no field or method (\w+)`)
)

// loadErrors reports the package's own errors. Before the model exists
// (syntaxOnly) only syntax errors count; afterwards the others count too,
// except uses of names the output will declare, which a package may well
// reference before its first generation.
func (b *builder) loadErrors(generated map[string]bool, syntaxOnly bool) bool {
	found := false
	for _, e := range b.pkg.Errors {
		if syntaxOnly != (e.Kind == packages.ParseError) {
			continue
		}
		file, line, col, msg := e.Pos, 0, 0, strings.TrimSpace(e.Msg)
		if sm := loadPos.FindStringSubmatch(e.Pos); sm != nil {
			file = sm[1]
			line, _ = strconv.Atoi(sm[2])
			col, _ = strconv.Atoi(sm[3])
		}
		if strings.HasPrefix(msg, "# ") {
			// Compiler output from go list: one error per line.
			for _, l := range strings.Split(msg, "\n")[1:] {
				if sm := compilerLine.FindStringSubmatch(l); sm != nil && !b.usesGenerated(sm[4], generated) {
					ln, _ := strconv.Atoi(sm[2])
					cl, _ := strconv.Atoi(sm[3])
					name := sm[1]
					if !filepath.IsAbs(name) {
						name = filepath.Join(b.dir, name)
					}
					b.add(name, ln, cl, sm[4])
					found = true
				}
			}
			continue
		}
		if b.usesGenerated(msg, generated) {
			continue
		}
		found = true
		b.add(file, line, col, msg)
	}
	return found
}

func (b *builder) usesGenerated(msg string, generated map[string]bool) bool {
	sm := undefinedUse.FindStringSubmatch(msg)
	return sm != nil && generated[sm[1]+sm[2]]
}
