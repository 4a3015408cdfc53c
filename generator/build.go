package generator

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/dbgen/dbgen/generator/model"
	"github.com/dbgen/dbgen/runtime"
	"golang.org/x/tools/go/packages"
)

// builder turns a loaded package into the model, collecting diagnostics.
type builder struct {
	diagnostics
	pkg         *packages.Package
	structs     map[*types.TypeName]*model.Struct
	structOrder []*model.Struct
	fieldPos    map[*model.Field]token.Pos
	indexTags   map[*model.Field]bool
	typePos     map[*model.Collection]token.Pos
	restPos     map[*model.Struct]token.Pos // structs with a dbgen:"rest" field
}

var collectionName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// annotated is a type declaration with its dbgen directives.
type annotated struct {
	spec       *ast.TypeSpec
	collection *ast.Comment
	queries    []*ast.Comment
}

// directives finds the annotated type declarations, in source order.
func (b *builder) directives() []annotated {
	files := slices.Clone(b.pkg.Syntax)
	slices.SortFunc(files, func(x, y *ast.File) int {
		return strings.Compare(b.fset.Position(x.Pos()).Filename, b.fset.Position(y.Pos()).Filename)
	})
	var out []annotated
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				if a, ok := b.parseDoc(ts, doc); ok {
					out = append(out, a)
				}
			}
		}
	}
	return out
}

func (b *builder) parseDoc(ts *ast.TypeSpec, doc *ast.CommentGroup) (annotated, bool) {
	a := annotated{spec: ts}
	if doc == nil {
		return a, false
	}
	found := false
	for _, c := range doc.List {
		verb, _, ok := strings.Cut(strings.TrimPrefix(c.Text, "//dbgen:"), " ")
		if !ok && !strings.HasPrefix(c.Text, "//dbgen:") {
			continue
		}
		if !strings.HasPrefix(c.Text, "//dbgen:") {
			continue
		}
		found = true
		switch verb {
		case "collection":
			if a.collection != nil {
				b.errorf(c.Pos(), "type %s: second //dbgen:collection directive", ts.Name.Name)
				continue
			}
			a.collection = c
		case "query":
			a.queries = append(a.queries, c)
		default:
			b.errorf(c.Pos(), "unknown directive //dbgen:%s (want collection or query)", verb)
		}
	}
	if found && a.collection == nil {
		for _, q := range a.queries {
			b.errorf(q.Pos(), "type %s: //dbgen:query without //dbgen:collection", ts.Name.Name)
		}
		return a, false
	}
	return a, found
}

// directiveArgs returns the words after the directive verb.
func directiveArgs(c *ast.Comment) []string {
	_, rest, _ := strings.Cut(c.Text, " ")
	return strings.Fields(rest)
}

// collection builds one collection from its type and directives.
func (b *builder) collection(a annotated) *model.Collection {
	name := a.spec.Name.Name
	obj, _ := b.pkg.TypesInfo.Defs[a.spec.Name].(*types.TypeName)
	named, _ := types.Unalias(objType(obj)).(*types.Named)
	if named == nil || a.spec.TypeParams != nil {
		b.errorf(a.spec.Pos(), "type %s: a collection must be a non-generic struct type", name)
		return nil
	}
	if _, ok := named.Underlying().(*types.Struct); !ok {
		b.errorf(a.spec.Pos(), "type %s: a collection must be a struct type", name)
		return nil
	}
	c := &model.Collection{Type: b.structOf(named)}
	b.typePos[c] = a.spec.Pos()
	b.collectionOptions(c, a.collection)
	b.systemFields(c, a.spec.Pos())
	for _, q := range a.queries {
		b.query(c, q)
	}
	for _, f := range c.Type.Fields {
		switch {
		case b.indexTags[f] && f.OmitEmpty:
			b.errorf(b.fieldPos[f], "field %s: an indexed field must not be omitempty: every document must store it to be in the index", f.GoName())
		case b.indexTags[f]:
			b.addQuery(c, b.fieldPos[f], &model.Query{Fields: []*model.Field{f}})
		}
	}
	return c
}

func objType(obj *types.TypeName) types.Type {
	if obj == nil {
		return nil
	}
	return obj.Type()
}

func (b *builder) collectionOptions(c *model.Collection, d *ast.Comment) {
	args := directiveArgs(d)
	pos := d.Pos()
	if len(args) == 0 || strings.Contains(args[0], "=") {
		b.errorf(pos, "//dbgen:collection needs a name")
		return
	}
	c.Name = args[0]
	if !collectionName.MatchString(c.Name) {
		b.errorf(pos, "collection name %q must match %s", c.Name, collectionName)
	}
	seen := map[string]bool{}
	var keyNames []string
	for _, arg := range args[1:] {
		opt, val, ok := strings.Cut(arg, "=")
		if !ok || seen[opt] {
			b.errorf(pos, "collection %s: bad or repeated option %q", c.Name, arg)
			continue
		}
		seen[opt] = true
		switch opt {
		case "id":
			c.ID.Kind, c.ID.Pattern = b.idRule(pos, c.Name, val)
		case "idmax":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > runtime.DefaultIDMaxLen {
				b.errorf(pos, "collection %s: idmax=%s must be 1..%d", c.Name, val, runtime.DefaultIDMaxLen)
			}
			c.ID.MaxLen = n
		case "maxbytes":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > runtime.DefaultMaxBytes {
				b.errorf(pos, "collection %s: maxbytes=%s must be 1..%d", c.Name, val, runtime.DefaultMaxBytes)
			}
			c.MaxBytes = n
		case "key":
			keyNames = strings.Split(val, ",")
		default:
			b.errorf(pos, "collection %s: unknown option %q (want id, idmax, maxbytes or key)", c.Name, opt)
		}
	}
	if c.ID.Kind == model.IDUUID && c.ID.MaxLen != 0 && c.ID.MaxLen < 36 {
		b.errorf(pos, "collection %s: idmax=%d is shorter than a UUID", c.Name, c.ID.MaxLen)
	}
	if keyNames == nil {
		return
	}
	switch {
	case c.ID.Kind == model.IDUUID:
		b.errorf(pos, "collection %s: key= IDs are never UUIDs; declare id=/REGEX/", c.Name)
	case c.ID.Kind == model.IDDefault && len(keyNames) > 1:
		b.errorf(pos, "collection %s: key= joins parts with ':', which the default ID rule rejects; declare id=/REGEX/", c.Name)
	}
	for _, k := range keyNames {
		f := fieldByStored(c.Type, k)
		switch {
		case f == nil:
			b.errorf(pos, "collection %s: key field %q is not a stored field of %s", c.Name, k, c.Type.Name)
		case f.Type.Kind != model.String || strings.HasPrefix(k, "_"):
			b.errorf(pos, "collection %s: key field %q must be a string field", c.Name, k)
		case slices.Contains(c.Key, f):
			b.errorf(pos, "collection %s: key field %q repeated", c.Name, k)
		default:
			c.Key = append(c.Key, f)
		}
	}
}

func (b *builder) idRule(pos token.Pos, coll, val string) (model.IDKind, string) {
	switch {
	case val == "default":
		return model.IDDefault, ""
	case val == "uuid":
		return model.IDUUID, ""
	case len(val) >= 2 && val[0] == '/' && val[len(val)-1] == '/':
		pat := val[1 : len(val)-1]
		if _, err := regexp.Compile(pat); err != nil {
			b.errorf(pos, "collection %s: bad ID pattern: %v", coll, err)
		} else if !anchored(pat) {
			b.errorf(pos, "collection %s: ID pattern %s must be anchored as ^...$", coll, pat)
		}
		return model.IDRegex, pat
	}
	b.errorf(pos, "collection %s: bad ID rule id=%s (want default, uuid or /REGEX/)", coll, val)
	return model.IDDefault, ""
}

// anchored reports whether the whole of every match is the whole input:
// the pattern is ^, then anything, then $ (an alternation of anchored
// branches must be grouped: ^(a|b)$).
func anchored(pat string) bool {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return false
	}
	re = re.Simplify()
	return re.Op == syntax.OpConcat && len(re.Sub) >= 2 &&
		re.Sub[0].Op == syntax.OpBeginText && re.Sub[len(re.Sub)-1].Op == syntax.OpEndText
}

func fieldByStored(s *model.Struct, name string) *model.Field {
	for _, f := range s.Fields {
		if f.Stored == name {
			return f
		}
	}
	return nil
}

// systemFields finds _id and _rev and rejects other '_' names.
func (b *builder) systemFields(c *model.Collection, typePos token.Pos) {
	for _, f := range c.Type.Fields {
		pos := b.fieldPos[f]
		switch f.Stored {
		case "_id", "_rev":
			if !isPlainString(f.Type) {
				b.errorf(pos, "field %s: %s must be of type string", f.GoName(), f.Stored)
			}
			if len(f.Rules) > 0 || f.Secret {
				b.errorf(pos, "field %s: %s takes no validate rules or dbgen tags; the ID rule is the collection's id=", f.GoName(), f.Stored)
			}
			f.System = true
			if f.Stored == "_id" {
				c.IDField = f
			} else {
				c.RevField = f
			}
		default:
			if strings.HasPrefix(f.Stored, "_") {
				b.errorf(pos, "field %s: stored name %q: only _id and _rev may start with '_'", f.GoName(), f.Stored)
			}
		}
	}
	if c.IDField == nil {
		b.errorf(typePos, "type %s: collection %s has no _id field (want ID string `json:\"_id\"`)", c.Type.Name, c.Name)
	}
}

func isPlainString(t *model.Type) bool { return t.Kind == model.String && t.Named == nil }

// query parses //dbgen:query FIELD[,FIELD...] [order=[-]FIELD] [name=Finder].
func (b *builder) query(c *model.Collection, d *ast.Comment) {
	pos := d.Pos()
	q := &model.Query{}
	var fieldList string
	for i, arg := range directiveArgs(d) {
		opt, val, isOpt := strings.Cut(arg, "=")
		switch {
		case !isOpt && i == 0:
			fieldList = arg
		case opt == "order" && q.Order == nil:
			q.Desc = strings.HasPrefix(val, "-")
			q.Order = b.queryField(c, pos, strings.TrimPrefix(val, "-"))
			if q.Order == nil {
				return
			}
		case opt == "name" && q.Finder == "":
			if !token.IsIdentifier(val) || !token.IsExported(val) {
				b.errorf(pos, "query name=%s must be an exported Go identifier", val)
				return
			}
			q.Finder = val
		default:
			b.errorf(pos, "//dbgen:query: unexpected %q (want FIELD[,FIELD...] [order=[-]FIELD] [name=Finder])", arg)
			return
		}
	}
	if fieldList != "" {
		for _, name := range strings.Split(fieldList, ",") {
			f := b.queryField(c, pos, name)
			if f == nil {
				return
			}
			q.Fields = append(q.Fields, f)
		}
	}
	b.addQuery(c, pos, q)
}

func (b *builder) queryField(c *model.Collection, pos token.Pos, name string) *model.Field {
	f := fieldByStored(c.Type, name)
	switch {
	case f == nil || f.System:
		b.errorf(pos, "query field %q is not a stored field of %s", name, c.Type.Name)
	case !isScalar(f.Type):
		b.errorf(pos, "query field %q is not a string, number, bool or time.Time", name)
	case f.OmitEmpty:
		// A document without the field would drop out of the index on CouchDB
		// and DynamoDB but not on memory: providers would disagree.
		b.errorf(pos, "query field %q must not be omitempty: every document must store it to be in the index", name)
	default:
		return f
	}
	return nil
}

func isScalar(t *model.Type) bool {
	switch t.Kind {
	case model.String, model.Int, model.Uint, model.Float, model.Bool, model.Time:
		return true
	}
	return false
}

// addQuery names a query and adds it unless it repeats another.
func (b *builder) addQuery(c *model.Collection, pos token.Pos, q *model.Query) {
	var stored, goNames []string
	for _, f := range q.Fields {
		stored = append(stored, f.Stored)
		goNames = append(goNames, f.GoName())
	}
	if q.Order != nil {
		stored = append(stored, "by", q.Order.Stored)
		if q.Desc {
			stored = append(stored, "desc")
		}
	}
	q.Name = strings.Join(stored, "_")
	if q.Finder == "" {
		if len(q.Fields) == 0 {
			b.errorf(pos, "a query without equality fields needs name=Finder")
			return
		}
		q.Finder = "FindBy" + strings.Join(goNames, "And")
	}
	if slices.Contains(q.Fields, q.Order) {
		b.errorf(pos, "query %s orders by one of its equality fields", q.Name)
		return
	}
	for _, other := range c.Queries {
		if other.Name == q.Name || other.Finder == q.Finder || other.Finder+"Page" == q.Finder || other.Finder == q.Finder+"Page" {
			b.errorf(pos, "query %s (%s) repeats query %s (%s)", q.Name, q.Finder, other.Name, other.Finder)
			return
		}
	}
	c.Queries = append(c.Queries, q)
}
