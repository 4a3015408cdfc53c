package templates

import (
	"go/token"
	"strings"
	"unicode"

	"github.com/dbgen/dbgen/generator/model"
)

// Name is a package-level name the output declares or imports.
type Name struct{ Name string }

// importNames are the package names the output imports; a package-level
// declaration with one of them would clash with the import.
var importNames = []string{"context", "errors", "fmt", "iter", "json", "maps", "regexp", "runtime", "slices", "slog", "utf8"}

// PackageNames lists every package-level name of the output, for collision checks.
func PackageNames(m *model.Package) []Name {
	var out []Name
	add := func(names ...string) {
		for _, n := range names {
			out = append(out, Name{n})
		}
	}
	add("Schema", "DB", "Open", "New")
	add(importNames...)
	for _, c := range m.Collections {
		n := collectionNames(c)
		add(n.idRule, n.spec, n.idType, n.parse, n.decode, n.repo, n.body)
		if c.Type.Rest != "" {
			add(n.stored)
		}
		if n.newID != "" {
			add(n.newID)
		}
		for _, q := range c.Queries {
			add(n.index(q))
		}
	}
	for _, s := range m.Structs {
		if s.Checked {
			add(s.Check)
		}
		if s.Local && (s.Secrets || isCollection(m, s)) {
			add(plainName(s))
		}
	}
	return out
}

// MethodNames lists the methods the output declares on local struct s.
func MethodNames(m *model.Package, s *model.Struct) []string {
	var out []string
	if isCollection(m, s) {
		out = append(out, "DocumentID", "DocumentRev", "SetDocumentMeta", "Validate", "MarshalDocument", "UnmarshalDocument")
	}
	if s.Secrets {
		out = append(out, "String", "GoString", "Format", "LogValue", "redacted")
	}
	return out
}

func isCollection(m *model.Package, s *model.Struct) bool {
	for _, c := range m.Collections {
		if c.Type == s {
			return true
		}
	}
	return false
}

// names are the identifiers generated for one collection.
type names struct {
	prefix string // lowerCamel collection name, e.g. agentDataStore
	field  string // DB field, e.g. AgentDataStore
	idRule string // var of the ID rule
	spec   string // var of the *runtime.Collection
	idType string // typed ID, e.g. AgentID
	parse  string // ID parser, e.g. ParseAgentID
	newID  string // ID constructor, or "" when there is none
	decode string // client JSON decoder, e.g. DecodeAgent
	repo   string // repository type, e.g. AgentRepo
	body   string // stored-form wrapper type
	plain  string // method-less copy of the document type
	stored string // set of stored names, for types with a dbgen:"rest" field
}

func collectionNames(c *model.Collection) names {
	t := c.Type.Name
	n := names{
		prefix: LowerFirst(Camel(c.Name)),
		field:  Camel(c.Name),
		idType: t + "ID",
		parse:  "Parse" + t + "ID",
		decode: "Decode" + t,
		repo:   t + "Repo",
		body:   LowerFirst(t) + "Body",
		plain:  plainName(c.Type),
	}
	n.idRule, n.spec, n.stored = n.prefix+"IDRule", n.prefix+"Spec", n.prefix+"Stored"
	if hasNewID(c) {
		n.newID = "New" + t + "ID"
	}
	return n
}

func (n names) index(q *model.Query) string { return n.prefix + q.Finder }

// hasNewID reports whether the collection gets a New<T>ID constructor: a
// random one for the default and UUID rules (when idmax leaves room), a
// composite one for key=.
func hasNewID(c *model.Collection) bool {
	switch {
	case len(c.Key) > 0:
		return true
	case c.ID.Kind == model.IDUUID:
		return true
	case c.ID.Kind == model.IDDefault:
		return c.ID.MaxLen == 0 || c.ID.MaxLen >= 32
	}
	return false
}

func plainName(s *model.Struct) string { return LowerFirst(s.Name) + "Plain" }

// Camel turns a collection name into a Go name: agent_data_store -> AgentDataStore.
func Camel(name string) string {
	var sb strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			sb.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return sb.String()
}

// LowerFirst turns a Go name into a local one: UserID -> userID, APIKey -> apiKey.
func LowerFirst(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) {
		n-- // keep the capital that starts the next word
	}
	for i := 0; i < n; i++ {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// paramName is a parameter name for a field that cannot shadow what the
// generated function uses.
func paramName(goName string) string {
	p := LowerFirst(goName)
	switch {
	case token.IsKeyword(p), p == "ctx", p == "req", p == "r", p == "runtime", p == "context", p == "iter":
		return p + "Value"
	}
	return p
}
