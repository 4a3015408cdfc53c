package runtime

import (
	"fmt"
	"regexp"
	"strings"
)

// Limits that apply unless a collection declares its own.
const (
	// DefaultIDMaxLen is the longest document ID a collection accepts by default.
	DefaultIDMaxLen = 100
	// DefaultStringMaxLen caps every string field without a declared max
	// (counted in characters, as the security guide does).
	DefaultStringMaxLen = 10000
	// DefaultMaxBytes caps an encoded document body. It sits under DynamoDB's
	// 400 KB item limit so that a document too large for one provider is too
	// large for all of them, and fails before any I/O.
	DefaultMaxBytes = 390_000
)

// DefaultIDPattern is the ID rule of the security guide.
var DefaultIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// UUIDPattern is the rule of collections declared with id=uuid: a canonical,
// lower-case UUID.
var UUIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// IDRule is a collection's rule for document IDs. The zero value is the
// default rule: DefaultIDPattern, at most DefaultIDMaxLen bytes. Under every
// rule, an ID never starts with "_": CouchDB reserves those for system
// documents, and every provider behaves the same.
type IDRule struct {
	Pattern *regexp.Regexp // nil means DefaultIDPattern
	MaxLen  int            // 0 means DefaultIDMaxLen
}

// Check reports whether id satisfies the rule, as an error of kind invalid ID.
func (r IDRule) Check(id string) error {
	maxLen := r.MaxLen
	if maxLen == 0 {
		maxLen = DefaultIDMaxLen
	}
	pat := r.Pattern
	if pat == nil {
		pat = DefaultIDPattern
	}
	switch {
	case id == "":
		return &Error{Kind: KindInvalidID, Rule: "required"}
	case id[0] == '_':
		// CouchDB reserves such IDs (_design/, _local/), so no provider takes them.
		return &Error{Kind: KindInvalidID, Rule: "no leading underscore"}
	case len(id) > maxLen:
		return &Error{Kind: KindInvalidID, Rule: fmt.Sprintf("max length %d", maxLen)}
	case !pat.MatchString(id):
		return &Error{Kind: KindInvalidID, Rule: "pattern " + pat.String()}
	}
	return nil
}

// FieldKind is the type of a stored field that a query filters or orders on.
// Providers use it to declare index key types (DynamoDB S or N, say).
type FieldKind uint8

const (
	FieldString FieldKind = iota + 1
	FieldInt              // any Go integer type, stored as a JSON integer
	FieldFloat            // float32 or float64
	FieldBool
	FieldTime // time.Time, stored as an RFC 3339 string
)

// IndexField is one stored top-level field of an index.
type IndexField struct {
	Name string // stored (JSON) name
	Kind FieldKind
}

// Index is a declared query: equality on Fields, then an optional order on
// OrderBy, with the document ID as the final tiebreak. Every provider backs
// it with a real index, and nothing else can be queried.
type Index struct {
	Name    string // stable name, used for provider index names, e.g. "userId_namespace"
	Fields  []IndexField
	OrderBy *IndexField // nil: ordered by ID
	Desc    bool        // order newest/largest first
}

// Collection is the spec of one collection, emitted by the generator.
// A Store accepts only the *Collection values of the schema it was opened
// with (compared by identity), so a hand-made spec is refused even when its
// name is valid.
type Collection struct {
	Name     string
	ID       IDRule
	Indexes  []*Index
	MaxBytes int // encoded body limit; 0 means DefaultMaxBytes
}

func (c *Collection) maxBytes() int {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}

// Schema is the closed set of collections an application may reach: the
// allowlist. The generator emits one per package.
type Schema struct {
	collections []*Collection
	byPtr       map[*Collection]bool
}

// collectionNamePattern keeps names valid on every provider: CouchDB database
// names, DynamoDB table names and Firestore collection IDs.
var collectionNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// NewSchema checks and returns a schema. Generated code calls it once, at
// package initialisation, with specs the generator has already checked.
func NewSchema(collections ...*Collection) (*Schema, error) {
	s := &Schema{byPtr: make(map[*Collection]bool)}
	names := map[string]bool{}
	for _, c := range collections {
		if c == nil || !collectionNamePattern.MatchString(c.Name) {
			return nil, fmt.Errorf("dbgen: invalid collection spec %v", c)
		}
		if names[c.Name] {
			return nil, fmt.Errorf("dbgen: duplicate collection %q", c.Name)
		}
		names[c.Name] = true
		idx := map[string]bool{}
		for _, ix := range c.Indexes {
			if ix == nil || ix.Name == "" || idx[ix.Name] || len(ix.Fields) == 0 && ix.OrderBy == nil {
				return nil, fmt.Errorf("dbgen: collection %q: invalid or duplicate index", c.Name)
			}
			idx[ix.Name] = true
			for _, f := range append(ix.Fields[:len(ix.Fields):len(ix.Fields)], orderField(ix)...) {
				if f.Name == "" || strings.HasPrefix(f.Name, "_") || f.Kind == 0 {
					return nil, fmt.Errorf("dbgen: collection %q index %q: invalid field %q", c.Name, ix.Name, f.Name)
				}
			}
		}
		s.collections = append(s.collections, c)
		s.byPtr[c] = true
	}
	return s, nil
}

func orderField(ix *Index) []IndexField {
	if ix.OrderBy == nil {
		return nil
	}
	return []IndexField{*ix.OrderBy}
}

// MustSchema is NewSchema for generated code: a bad spec is a generator bug.
func MustSchema(collections ...*Collection) *Schema {
	s, err := NewSchema(collections...)
	if err != nil {
		panic(err)
	}
	return s
}

// Collections returns the schema's collections in declaration order.
func (s *Schema) Collections() []*Collection {
	return append([]*Collection(nil), s.collections...)
}

// Has reports whether c is one of the schema's own specs.
func (s *Schema) Has(c *Collection) bool { return s.byPtr[c] }

func (s *Schema) hasIndex(c *Collection, ix *Index) bool {
	for _, x := range c.Indexes {
		if x == ix {
			return true
		}
	}
	return false
}
