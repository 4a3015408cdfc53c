package templates

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"
	"github.com/dbgen/dbgen/generator/model"
	"github.com/dbgen/dbgen/runtime"
)

// expr builds a fresh expression each time (jennifer statements grow when used).
type expr func() *jen.Statement

// defaultCap is the rule text of the implicit cap on strings without a max.
var defaultCap = "max=" + strconv.Itoa(runtime.DefaultStringMaxLen)

// renderCheck emits the check function of struct s: plain Go for its rules.
func renderCheck(f *jen.File, s *model.Struct) {
	var body []jen.Code
	body = append(body, jen.Var().Id("errs").Index().Error())
	for _, fl := range s.Fields {
		if fl.System {
			continue
		}
		x := func() *jen.Statement { return selector("v", fl) }
		path := func() *jen.Statement {
			return jen.Qual(rt, "FieldPath").Call(jen.Id("path"), jen.Lit(fl.Stored))
		}
		body = append(body, value(x, fl.Type, fl.Rules, path, 1)...)
	}
	body = append(body, jen.Return(jen.Id("errs")))
	f.Line()
	f.Comment(fmt.Sprintf("%s returns the rule failures of v, whose stored path is path.", s.Check))
	f.Func().Id(s.Check).Params(jen.List(jen.Id("collection"), jen.Id("path")).String(), jen.Id("v").Op("*").Qual(s.PkgPath, s.Name)).Index().Error().Block(body...)
}

// branch is one case of a value's check: when cond holds, run body (a
// failure) or, with an empty body, skip the remaining checks.
type branch struct {
	cond, negated jen.Code
	body          []jen.Code
	skip          string // why an empty body skips, as a comment
}

// value returns the statements checking x of type t: the rules of levels[0]
// in order (the first failure wins, as in the validator package), the cap
// on strings, then the elements or fields below it.
func value(x expr, t *model.Type, levels [][]model.Rule, path expr, depth int) []jen.Code {
	var rules []model.Rule
	if len(levels) > 0 {
		rules = levels[0]
	}
	fail := func(rule string) []jen.Code {
		return []jen.Code{jen.Id("errs").Op("=").Append(jen.Id("errs"), jen.Qual(rt, "ValidationError").Call(jen.Id("collection"), path(), jen.Lit(rule)))}
	}
	var branches []branch
	omit, required := hasRule(rules, "omitempty"), hasRule(rules, "required")
	var others []model.Rule
	for _, r := range rules {
		if r.Name != "omitempty" && r.Name != "required" {
			others = append(others, r)
		}
	}
	base, val := t, x
	if t.Kind == model.Pointer {
		base = t.Elem
		val = func() *jen.Statement { return jen.Op("*").Add(x()) }
		isNil, notNil := x().Op("==").Nil(), x().Op("!=").Nil()
		switch {
		case omit:
			branches = append(branches, branch{isNil, notNil, nil, "omitempty"})
		case required:
			branches = append(branches, branch{isNil, notNil, fail("required"), ""})
		case len(others) > 0:
			// As in the validator package: a nil pointer fails its first rule.
			branches = append(branches, branch{isNil, notNil, fail(others[0].Tag), ""})
		default:
			branches = append(branches, branch{isNil, notNil, nil, "nil: nothing below to check"})
		}
	} else {
		zero, nonZero := zeroTest(x, t)
		if omit {
			branches = append(branches, branch{zero, nonZero, nil, "omitempty"})
		} else if required {
			branches = append(branches, branch{zero, nonZero, fail("required"), ""})
		}
	}
	for _, r := range others {
		branches = append(branches, branch{cond: failure(val, base, r), body: fail(r.Tag)})
	}
	if base.Kind == model.String && !bounded(rules) {
		branches = append(branches, branch{
			cond: jen.Qual("unicode/utf8", "RuneCountInString").Call(asString(val, base)).Op(">").Qual(rt, "DefaultStringMaxLen"),
			body: fail(defaultCap),
		})
	}
	below := descend(x, val, t, base, levels, path, depth)
	for len(below) == 0 && len(branches) > 0 && branches[len(branches)-1].body == nil {
		branches = branches[:len(branches)-1] // a trailing skip guards nothing
	}
	switch {
	case len(branches) == 0:
		return below
	case len(branches) == 1 && branches[0].body == nil:
		return []jen.Code{jen.If(branches[0].negated).Block(below...)}
	case len(branches) == 1 && len(below) == 0:
		return []jen.Code{jen.If(branches[0].cond).Block(branches[0].body...)}
	case len(branches) == 1:
		return []jen.Code{jen.If(branches[0].cond).Block(branches[0].body...).Else().Block(below...)}
	}
	var cases []jen.Code
	for _, b := range branches {
		if b.body == nil {
			cases = append(cases, jen.Comment(b.skip))
		}
		cases = append(cases, jen.Case(b.cond).Block(b.body...))
	}
	if len(below) > 0 {
		cases = append(cases, jen.Default().Block(below...))
	}
	return []jen.Code{jen.Switch().Block(cases...)}
}

// descend returns the checks of the values inside x: a struct's fields, a
// list's elements or a map's values, under the rules after a dive.
func descend(x, val expr, t, base *model.Type, levels [][]model.Rule, path expr, depth int) []jen.Code {
	var inner [][]model.Rule
	if len(levels) > 1 {
		inner = levels[1:]
	}
	i, e, k := loopVar("i", depth), loopVar("e", depth), loopVar("k", depth)
	elem := func() *jen.Statement { return jen.Id(e) }
	switch base.Kind {
	case model.Object:
		if !base.Struct.Checked {
			return nil
		}
		ptr := x() // already a pointer
		if t.Kind != model.Pointer {
			ptr = jen.Op("&").Add(x())
		}
		return []jen.Code{jen.Id("errs").Op("=").Append(jen.Id("errs"), jen.Id(base.Struct.Check).Call(jen.Id("collection"), path(), ptr).Op("..."))}
	case model.Slice, model.Array:
		elemPath := func() *jen.Statement { return jen.Qual(rt, "IndexPath").Call(path(), jen.Id(i)) }
		checks := value(elem, base.Elem, inner, elemPath, depth+1)
		if len(checks) == 0 {
			return nil
		}
		return []jen.Code{jen.For(jen.List(jen.Id(i), jen.Id(e)).Op(":=").Range().Add(val())).Block(checks...)}
	case model.Map:
		key := jen.Id(k)
		if base.Key.Named != nil {
			key = jen.String().Call(jen.Id(k))
		}
		elemPath := func() *jen.Statement { return jen.Qual(rt, "KeyPath").Call(path(), key) }
		checks := value(elem, base.Elem, inner, elemPath, depth+1)
		if len(checks) == 0 {
			return nil
		}
		m := val()
		if t.Kind == model.Pointer {
			m = jen.Parens(val())
		}
		// Sorted keys, so that the failures come in a stable order.
		return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id(k)).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(val()))).Block(
			append([]jen.Code{jen.Id(e).Op(":=").Add(m).Index(jen.Id(k))}, checks...)...)}
	}
	return nil
}

func loopVar(name string, depth int) string {
	if depth == 1 {
		return name
	}
	return name + strconv.Itoa(depth)
}

func hasRule(rules []model.Rule, name string) bool {
	for _, r := range rules {
		if r.Name == name {
			return true
		}
	}
	return false
}

// bounded reports whether the rules cap a string's length themselves.
func bounded(rules []model.Rule) bool {
	return hasRule(rules, "max") || hasRule(rules, "len") || hasRule(rules, "lt") || hasRule(rules, "lte")
}

// zeroTest is the test for the zero value of t (required, omitempty) and its negation.
func zeroTest(x expr, t *model.Type) (jen.Code, jen.Code) {
	switch t.Kind {
	case model.String:
		return x().Op("==").Lit(""), x().Op("!=").Lit("")
	case model.Int, model.Uint, model.Float:
		return x().Op("==").Lit(0), x().Op("!=").Lit(0)
	case model.Bool:
		return jen.Op("!").Add(x()), x()
	case model.Time:
		return x().Dot("IsZero").Call(), jen.Op("!").Add(x()).Dot("IsZero").Call()
	}
	return x().Op("==").Nil(), x().Op("!=").Nil()
}

func asString(x expr, t *model.Type) jen.Code {
	if t.Named != nil {
		return jen.String().Call(x())
	}
	return x()
}

// failure is the condition under which value x of type t fails rule r.
func failure(x expr, t *model.Type, r model.Rule) jen.Code {
	isLength := t.Kind == model.String || t.Kind == model.Slice || t.Kind == model.Array || t.Kind == model.Map || t.Kind == model.RawJSON
	measure := x
	switch {
	case t.Kind == model.String:
		measure = func() *jen.Statement { return jen.Qual("unicode/utf8", "RuneCountInString").Call(asString(x, t)) }
	case isLength:
		measure = func() *jen.Statement { return jen.Len(x()) }
	}
	param := func() *jen.Statement { return jen.Id(r.Param) }
	switch r.Name {
	case "min", "gte":
		return measure().Op("<").Add(param())
	case "max", "lte":
		return measure().Op(">").Add(param())
	case "len":
		return measure().Op("!=").Add(param())
	case "gt":
		return measure().Op("<=").Add(param())
	case "lt":
		return measure().Op(">=").Add(param())
	case "eq", "ne":
		op := map[string]string{"eq": "!=", "ne": "=="}[r.Name]
		switch {
		case t.Kind == model.String:
			return x().Op(op).Lit(r.Str)
		case t.Kind == model.Bool && r.Bool == (r.Name == "eq"):
			return jen.Op("!").Add(x())
		case t.Kind == model.Bool:
			return x()
		}
		return measure().Op(op).Add(param())
	case "oneof":
		var cond *jen.Statement
		for _, v := range r.Oneof {
			operand := jen.Id(v)
			if t.Kind == model.String {
				operand = jen.Lit(v)
			}
			if cond == nil {
				cond = x().Op("!=").Add(operand)
			} else {
				cond = cond.Op("&&").Add(x()).Op("!=").Add(operand)
			}
		}
		return cond
	case "email":
		return jen.Op("!").Qual(rt, "IsEmail").Call(asString(x, t))
	case "url":
		return jen.Op("!").Qual(rt, "IsURL").Call(asString(x, t))
	case "uuid":
		return jen.Op("!").Qual(rt, "IsUUID").Call(asString(x, t))
	}
	panic("templates: unknown rule " + r.Name)
}
