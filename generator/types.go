package generator

import (
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"github.com/dbgen/dbgen/generator/model"
)

// typeOf maps a Go type to the model, reporting unsupported types at pos.
func (b *builder) typeOf(t types.Type, pos token.Pos, what string) *model.Type {
	t = types.Unalias(t)
	switch t := t.(type) {
	case *types.Named:
		obj := t.Obj()
		switch {
		case isNamed(t, "time", "Time"):
			return &model.Type{Kind: model.Time}
		case isNamed(t, runtimePath, "Timestamp"):
			// Stored as a sortable string, checked and queried like time.Time.
			return &model.Type{Kind: model.Time, Named: &model.TypeName{PkgPath: runtimePath, Name: "Timestamp"}}
		case isNamed(t, "encoding/json", "RawMessage"):
			return &model.Type{Kind: model.RawJSON}
		case t.TypeArgs().Len() > 0:
			b.errorf(pos, "%s: unsupported generic type %s", what, b.typeString(t))
			return nil
		}
		switch u := t.Underlying().(type) {
		case *types.Struct:
			return &model.Type{Kind: model.Object, Struct: b.structOf(t)}
		case *types.Basic:
			mt := b.typeOf(u, pos, what)
			if mt != nil {
				mt.Named = &model.TypeName{PkgPath: pkgPath(obj), Name: obj.Name()}
			}
			return mt
		case *types.Interface:
			if !u.Empty() {
				b.errorf(pos, "%s: unsupported interface type %s (only any is stored)", what, b.typeString(t))
				return nil
			}
			return &model.Type{Kind: model.Any}
		default:
			return b.typeOf(u, pos, what)
		}
	case *types.Basic:
		if mt := basicType(t); mt != nil {
			mt.Basic = t.Name()
			return mt
		}
	case *types.Pointer:
		elem := b.typeOf(t.Elem(), pos, what)
		if elem == nil {
			return nil
		}
		if elem.Kind == model.Pointer {
			b.errorf(pos, "%s: unsupported pointer to pointer %s", what, b.typeString(t))
			return nil
		}
		return &model.Type{Kind: model.Pointer, Elem: elem}
	case *types.Slice:
		if elem := b.typeOf(t.Elem(), pos, what); elem != nil {
			return &model.Type{Kind: model.Slice, Elem: elem}
		}
		return nil
	case *types.Array:
		if elem := b.typeOf(t.Elem(), pos, what); elem != nil {
			return &model.Type{Kind: model.Array, Elem: elem, Len: t.Len()}
		}
		return nil
	case *types.Map:
		key := b.typeOf(t.Key(), pos, what)
		if key != nil && key.Kind != model.String {
			b.errorf(pos, "%s: unsupported map key type %s (keys must be strings)", what, b.typeString(t.Key()))
			return nil
		}
		elem := b.typeOf(t.Elem(), pos, what)
		if key == nil || elem == nil {
			return nil
		}
		return &model.Type{Kind: model.Map, Key: key, Elem: elem}
	case *types.Interface:
		if t.Empty() {
			return &model.Type{Kind: model.Any}
		}
	case *types.Struct:
		b.errorf(pos, "%s: unsupported anonymous struct type; declare a named type", what)
		return nil
	}
	b.errorf(pos, "%s: unsupported type %s", what, b.typeString(t))
	return nil
}

func intBits(k types.BasicKind) int {
	switch k {
	case types.Int8, types.Uint8:
		return 8
	case types.Int16, types.Uint16:
		return 16
	case types.Int32, types.Uint32:
		return 32
	}
	return 64
}

func isNamed(t *types.Named, path, name string) bool {
	return t.Obj().Name() == name && pkgPath(t.Obj()) == path
}

func pkgPath(obj types.Object) string {
	if obj.Pkg() == nil {
		return ""
	}
	return obj.Pkg().Path()
}

func (b *builder) typeString(t types.Type) string {
	return types.TypeString(t, types.RelativeTo(b.pkg.Types))
}

// candidate is a stored field before encoding/json's dominance rules.
type candidate struct {
	field  *model.Field
	depth  int
	tagged bool
	pos    token.Pos
	index  bool // dbgen:"index"
}

// structOf returns the model of a named struct type, building it once.
func (b *builder) structOf(t *types.Named) *model.Struct {
	obj := t.Obj()
	if s, ok := b.structs[obj]; ok {
		return s
	}
	s := &model.Struct{Name: obj.Name(), PkgPath: pkgPath(obj), Local: obj.Pkg() == b.pkg.Types}
	b.structs[obj] = s // before the fields: types may be recursive
	b.structOrder = append(b.structOrder, s)
	b.restField(s, t.Underlying().(*types.Struct))
	cands := b.collect(t.Underlying().(*types.Struct), nil, 0)
	for _, c := range dominant(cands) {
		s.Fields = append(s.Fields, c.field)
		b.fieldPos[c.field] = c.pos
		if c.index {
			b.indexTags[c.field] = true
		}
	}
	return s
}

// restField finds the dbgen:"rest" field among st's own fields.
func (b *builder) restField(s *model.Struct, st *types.Struct) {
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		tag := reflect.StructTag(st.Tag(i))
		if tag.Get("dbgen") != "rest" {
			continue
		}
		switch {
		case tag.Get("json") != "-":
			continue // reported by collect, with the field's other tags
		case f.Embedded() || !f.Exported():
			b.errorf(f.Pos(), "field %s: dbgen:\"rest\" needs an exported, named field", f.Name())
		case !isRestMap(f.Type()):
			b.errorf(f.Pos(), "field %s: dbgen:\"rest\" needs type map[string]json.RawMessage, not %s", f.Name(), b.typeString(f.Type()))
		case s.Rest != "":
			b.errorf(f.Pos(), "field %s: a second dbgen:\"rest\" field (the first is %s)", f.Name(), s.Rest)
		default:
			s.Rest = f.Name()
			b.restPos[s] = f.Pos()
		}
	}
}

func isRestMap(t types.Type) bool {
	m, ok := types.Unalias(t).(*types.Map)
	if !ok {
		return false
	}
	key, basicKey := types.Unalias(m.Key()).(*types.Basic)
	elem, namedElem := types.Unalias(m.Elem()).(*types.Named)
	return basicKey && key.Kind() == types.String && namedElem && isNamed(elem, "encoding/json", "RawMessage")
}

// collect lists the stored fields of st as encoding/json sees them,
// promoted fields of embedded structs included, in encoding order.
func (b *builder) collect(st *types.Struct, path []string, depth int) []candidate {
	var out []candidate
	seen := map[string]candidate{}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		tag := reflect.StructTag(st.Tag(i))
		jsonTag, hasJSON := tag.Lookup("json")
		if jsonTag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(jsonTag, ",")
		goPath := append(append([]string(nil), path...), f.Name())
		if f.Embedded() && name == "" {
			ft := types.Unalias(f.Type())
			if p, ok := ft.(*types.Pointer); ok {
				if _, isStruct := p.Elem().Underlying().(*types.Struct); isStruct {
					b.errorf(f.Pos(), "embedded pointer %s: unsupported; embed the struct by value", b.typeString(ft))
					continue
				}
			}
			if n, ok := ft.(*types.Named); ok {
				if _, isStruct := n.Underlying().(*types.Struct); isStruct && !isNamed(n, "time", "Time") && !isNamed(n, runtimePath, "Timestamp") {
					if implementsMarshaler(n) {
						b.errorf(f.Pos(), "embedded %s has its own JSON encoding, which would replace the whole struct's", b.typeString(n))
						continue
					}
					out = append(out, b.collect(n.Underlying().(*types.Struct), goPath, depth+1)...)
					continue
				}
			}
		}
		if !f.Exported() {
			continue
		}
		if name == "" {
			name = f.Name()
		}
		omitEmpty := false
		for _, opt := range strings.Split(opts, ",") {
			switch opt {
			case "string":
				b.errorf(f.Pos(), "field %s: the json ,string option is not supported", f.Name())
			case "omitempty":
				omitEmpty = true
			}
		}
		what := "field " + f.Name()
		mt := b.typeOf(f.Type(), f.Pos(), what)
		if mt == nil {
			continue
		}
		field := &model.Field{GoPath: goPath, Stored: name, Type: mt, OmitEmpty: omitEmpty}
		c := candidate{field: field, depth: depth, tagged: hasJSON && jsonTag != "" && !strings.HasPrefix(jsonTag, ","), pos: f.Pos()}
		if prev, dup := seen[name]; dup && prev.tagged == c.tagged {
			b.errorf(f.Pos(), "field %s: stored name %q is used twice; encoding/json would drop both", f.Name(), name)
		}
		seen[name] = c
		rules, errs := parseValidate(tag.Get("validate"), mt)
		for _, e := range errs {
			b.errorf(f.Pos(), "%s: %s", what, e)
		}
		field.Rules = rules
		if v, ok := tag.Lookup("dbgen"); ok {
			for _, opt := range strings.Split(v, ",") {
				switch opt {
				case "index":
					c.index = true
				case "rest":
					b.errorf(f.Pos(), "%s: dbgen:\"rest\" needs json:\"-\": the field holds the undeclared members, it is not one", what)
				case "secret":
					if mt.Kind != model.String {
						b.errorf(f.Pos(), "%s: dbgen:\"secret\" applies to string fields only", what)
					}
					field.Secret = true
				default:
					b.errorf(f.Pos(), "%s: unknown dbgen tag value %q (want index, secret or rest)", what, opt)
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// dominant applies encoding/json's rule for fields sharing a stored name:
// the shallowest wins, then the only tagged one; otherwise none is stored.
func dominant(cands []candidate) []candidate {
	byName := map[string][]candidate{}
	for _, c := range cands {
		byName[c.field.Stored] = append(byName[c.field.Stored], c)
	}
	var out []candidate
	for _, c := range cands {
		if winner(byName[c.field.Stored]) == c.field {
			out = append(out, c)
		}
	}
	return out
}

func winner(cs []candidate) *model.Field {
	minDepth := cs[0].depth
	for _, c := range cs {
		minDepth = min(minDepth, c.depth)
	}
	var top, tagged []candidate
	for _, c := range cs {
		if c.depth == minDepth {
			top = append(top, c)
			if c.tagged {
				tagged = append(tagged, c)
			}
		}
	}
	switch {
	case len(top) == 1:
		return top[0].field
	case len(tagged) == 1:
		return tagged[0].field
	}
	return nil
}

// implementsMarshaler reports whether t or *t encodes itself to JSON.
func implementsMarshaler(t types.Type) bool {
	for _, name := range []string{"MarshalJSON", "MarshalText"} {
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(t), true, nil, name)
		if _, ok := obj.(*types.Func); ok {
			return true
		}
	}
	return false
}

// basicType maps the basic kinds JSON can store; nil for the others.
func basicType(t *types.Basic) *model.Type {
	switch {
	case t.Kind() == types.String:
		return &model.Type{Kind: model.String}
	case t.Kind() == types.Bool:
		return &model.Type{Kind: model.Bool}
	case t.Kind() == types.Float32:
		return &model.Type{Kind: model.Float, Bits: 32}
	case t.Kind() == types.Float64:
		return &model.Type{Kind: model.Float, Bits: 64}
	case t.Kind() == types.Uintptr:
	case t.Info()&types.IsUnsigned != 0:
		return &model.Type{Kind: model.Uint, Bits: intBits(t.Kind())}
	case t.Info()&types.IsInteger != 0:
		return &model.Type{Kind: model.Int, Bits: intBits(t.Kind())}
	}
	return nil
}

// runtimePath is the import path of the runtime, whose Timestamp is a time kind.
const runtimePath = "github.com/dbgen/dbgen/runtime"
