package generator

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/dbgen/dbgen/generator/model"
)

// parseValidate turns a `validate` tag into rules per dive level, checking
// each rule against the type it applies to. It returns the problems found.
func parseValidate(tag string, t *model.Type) ([][]model.Rule, []string) {
	if tag == "" {
		return nil, nil
	}
	var errs []string
	levels := [][]model.Rule{nil}
	cur := t
	for _, tok := range strings.Split(tag, ",") {
		if tok == "dive" {
			elem := deref(cur)
			if elem.Kind != model.Slice && elem.Kind != model.Array && elem.Kind != model.Map {
				errs = append(errs, fmt.Sprintf("validate rule dive needs a slice, array or map, not %s", kindName(elem)))
				break
			}
			cur = elem.Elem
			levels = append(levels, nil)
			continue
		}
		r, err := parseRule(tok, cur)
		if err != "" {
			errs = append(errs, err)
			continue
		}
		levels[len(levels)-1] = append(levels[len(levels)-1], r)
	}
	return levels, errs
}

func deref(t *model.Type) *model.Type {
	if t.Kind == model.Pointer {
		return t.Elem
	}
	return t
}

// ruleKinds lists the kinds each rule applies to (after following a pointer).
var ruleKinds = map[string][]model.Kind{
	"required":  {model.String, model.Int, model.Uint, model.Float, model.Bool, model.Time, model.RawJSON, model.Any, model.Slice, model.Map},
	"omitempty": {model.String, model.Int, model.Uint, model.Float, model.Bool, model.Time, model.RawJSON, model.Any, model.Slice, model.Map},
	"min":       {model.String, model.Int, model.Uint, model.Float, model.Slice, model.Array, model.Map, model.RawJSON},
	"max":       {model.String, model.Int, model.Uint, model.Float, model.Slice, model.Array, model.Map, model.RawJSON},
	"len":       {model.String, model.Int, model.Uint, model.Float, model.Slice, model.Array, model.Map, model.RawJSON},
	"gt":        {model.String, model.Int, model.Uint, model.Float, model.Slice, model.Array, model.Map, model.RawJSON},
	"gte":       {model.String, model.Int, model.Uint, model.Float, model.Slice, model.Array, model.Map, model.RawJSON},
	"lt":        {model.String, model.Int, model.Uint, model.Float, model.Slice, model.Array, model.Map, model.RawJSON},
	"lte":       {model.String, model.Int, model.Uint, model.Float, model.Slice, model.Array, model.Map, model.RawJSON},
	"eq":        {model.String, model.Int, model.Uint, model.Float, model.Bool, model.Slice, model.Array, model.Map, model.RawJSON},
	"ne":        {model.String, model.Int, model.Uint, model.Float, model.Bool, model.Slice, model.Array, model.Map, model.RawJSON},
	"oneof":     {model.String, model.Int, model.Uint},
	"email":     {model.String},
	"url":       {model.String},
	"uuid":      {model.String},
}

// oneofValue splits oneof operands as the validator package does: words, or
// 'quoted strings' that may hold spaces.
var oneofValue = regexp.MustCompile(`'[^']*'|\S+`)

func parseRule(tok string, t *model.Type) (model.Rule, string) {
	name, param, hasParam := strings.Cut(tok, "=")
	r := model.Rule{Name: name, Tag: tok}
	kinds, known := ruleKinds[name]
	if !known {
		return r, fmt.Sprintf("unknown validate rule %q", tok)
	}
	takesParam := name != "required" && name != "omitempty" && name != "email" && name != "url" && name != "uuid"
	if takesParam != hasParam {
		if takesParam {
			return r, fmt.Sprintf("validate rule %s needs a value (%s=...)", name, name)
		}
		return r, fmt.Sprintf("validate rule %s takes no value", name)
	}
	base := t
	if t.Kind == model.Pointer && name != "required" && name != "omitempty" {
		base = t.Elem
	}
	if t.Kind != model.Pointer || (name != "required" && name != "omitempty") {
		if !hasKind(kinds, base.Kind) {
			return r, fmt.Sprintf("validate rule %s does not apply to %s", name, kindName(base))
		}
	}
	if !takesParam {
		return r, ""
	}
	bad := func() (model.Rule, string) {
		return r, fmt.Sprintf("validate rule %s: bad value %q for %s", name, param, kindName(base))
	}
	isLength := base.Kind == model.String || base.Kind == model.Slice || base.Kind == model.Array || base.Kind == model.Map || base.Kind == model.RawJSON
	switch {
	case name == "oneof":
		for _, v := range oneofValue.FindAllString(param, -1) {
			v = strings.ReplaceAll(v, "'", "")
			if base.Kind != model.String {
				lit, ok := numberLiteral(v, base)
				if !ok {
					return bad()
				}
				v = lit
			}
			r.Oneof = append(r.Oneof, v)
		}
		if len(r.Oneof) == 0 {
			return bad()
		}
	case (name == "eq" || name == "ne") && base.Kind == model.String:
		r.Str = param
	case (name == "eq" || name == "ne") && base.Kind == model.Bool:
		b, err := strconv.ParseBool(param)
		if err != nil {
			return bad()
		}
		r.Bool = b
	case isLength:
		n, err := strconv.ParseInt(param, 0, 64)
		if err != nil || n < 0 {
			return bad()
		}
		r.Param = strconv.FormatInt(n, 10)
	default:
		lit, ok := numberLiteral(param, base)
		if !ok {
			return bad()
		}
		r.Param = lit
	}
	return r, ""
}

// numberLiteral parses s as the validator package does for a number of t's
// kind and returns it as a Go constant that fits t.
func numberLiteral(s string, t *model.Type) (string, bool) {
	switch t.Kind {
	case model.Int:
		n, err := strconv.ParseInt(s, 0, t.Bits)
		return strconv.FormatInt(n, 10), err == nil
	case model.Uint:
		n, err := strconv.ParseUint(s, 0, t.Bits)
		return strconv.FormatUint(n, 10), err == nil
	case model.Float:
		f, err := strconv.ParseFloat(s, t.Bits)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", false
		}
		lit := strconv.FormatFloat(f, 'g', -1, 64)
		return lit, true
	}
	return "", false
}

func hasKind(kinds []model.Kind, k model.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func kindName(t *model.Type) string {
	switch t.Kind {
	case model.String:
		return "a string"
	case model.Int, model.Uint:
		return "an integer"
	case model.Float:
		return "a float"
	case model.Bool:
		return "a bool"
	case model.Time:
		return "time.Time"
	case model.RawJSON:
		return "json.RawMessage"
	case model.Any:
		return "free JSON (any)"
	case model.Object:
		return "a struct"
	case model.Pointer:
		return "a pointer"
	case model.Slice:
		return "a slice"
	case model.Array:
		return "an array"
	case model.Map:
		return "a map"
	}
	return "this type"
}
