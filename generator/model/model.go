// Package model is what the generator knows about an annotated package once
// it has checked it: collections, their stored fields with Go types, rules
// and queries. The generator builds it; the templates render it. It holds
// only checked, resolved data, so rendering cannot fail on user input.
package model

// Package is one annotated Go package.
type Package struct {
	Name        string        // Go package name
	Path        string        // import path
	Collections []*Collection // in source order
	Structs     []*Struct     // every struct type reachable from a collection, locals first, in source order
}

// Collection is one `//dbgen:collection` type.
type Collection struct {
	Name     string // collection name, e.g. "agent_data_store"
	Type     *Struct
	ID       IDRule
	MaxBytes int      // 0: the runtime default
	Key      []*Field // composite key parts, in ID order; nil without key=
	Queries  []*Query // in declaration order: directives, then index tags
	IDField  *Field
	RevField *Field // nil when the type has no _rev field
}

// IDKind says which ID rule a collection declares.
type IDKind int

const (
	IDDefault IDKind = iota // runtime.DefaultIDPattern
	IDUUID                  // runtime.UUIDPattern
	IDRegex                 // a custom, anchored pattern
)

// IDRule is a collection's ID rule.
type IDRule struct {
	Kind    IDKind
	Pattern string // IDRegex only
	MaxLen  int    // 0: the runtime default
}

// Query is one declared query: equality on Fields, optional order.
type Query struct {
	Name   string // stable index name, e.g. "userId_namespace"
	Finder string // Go method name, e.g. "FindByUserIDAndNamespace"
	Fields []*Field
	Order  *Field // nil: ordered by ID
	Desc   bool
}

// Struct is a named struct type whose stored fields the generated code
// checks (and, for local types with secrets, masks).
type Struct struct {
	Name    string // Go type name
	PkgPath string // import path of the declaring package
	Local   bool   // declared in the generated package
	Fields  []*Field
	// Secrets is true when a secret field is reachable from the type (through
	// nested structs, pointers, slices, arrays or maps); local ones get masking.
	Secrets bool
	// Checked is true when validating the type can fail (a rule or a string
	// anywhere below it); false types get no check function.
	Checked bool
	Check   string // name of the generated check function
	// Rest is the Go name of the dbgen:"rest" field (map[string]json.RawMessage,
	// json:"-") that keeps a stored body's undeclared members; "" if none.
	Rest string
}

// Field is one stored field of a struct, promoted fields included.
type Field struct {
	GoPath []string // selectors from the struct value, e.g. ["Base", "CreatedAt"]
	Stored string   // JSON name
	Type   *Type
	// Rules are the validate rules per level: Rules[0] applies to the field,
	// Rules[n] to the values reached through n dives.
	Rules  [][]Rule
	Secret bool
	// OmitEmpty is the json omitempty option: the stored document may lack the field.
	OmitEmpty bool
	// System marks the _id and _rev fields of a collection type: the ID rule
	// and the store check them, not Validate.
	System bool
}

// GoName is the Go name of the field (the last selector).
func (f *Field) GoName() string { return f.GoPath[len(f.GoPath)-1] }

// Kind is the shape of a Go type as stored.
type Kind int

const (
	String  Kind = iota + 1
	Int          // signed integers
	Uint         // unsigned integers
	Float        // float32, float64
	Bool         // bool
	Time         // time.Time
	RawJSON      // json.RawMessage
	Any          // any: free JSON
	Object       // a named struct type (a JSON object)
	Pointer      // *Elem
	Slice        // []Elem
	Array        // [Len]Elem
	Map          // map[string-kind]Elem
)

// Type is a Go type the generator supports.
type Type struct {
	Kind Kind
	// Named is set for a named type whose values need a conversion to their
	// basic kind (type Status string): the Go type is then Named.
	Named  *TypeName
	Elem   *Type   // Pointer, Slice, Array, Map
	Key    *Type   // Map: a String type
	Struct *Struct // Object
	Len    int64   // Array
	Bits   int     // Int, Uint, Float: size in bits (64 for int and uint)
	Basic  string  // String, Int, Uint, Float, Bool: the Go basic type, e.g. "int32"
}

// TypeName is a qualified Go type name.
type TypeName struct {
	PkgPath string
	Name    string
}

// Rule is one validate rule, e.g. max=200.
type Rule struct {
	Name  string   // "max"
	Tag   string   // as written, e.g. "max=200"; the rule of a validation error
	Param string   // literal Go constant for numeric and length rules, "" otherwise
	Str   string   // string operand of eq/ne on strings
	Bool  bool     // operand of eq/ne on bools
	Oneof []string // oneof operands (Go literals for numbers, values for strings)
}
