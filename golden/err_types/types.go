// Package errtypes holds field types the generator cannot store.
package errtypes

// Pair is generic.
type Pair[T any] struct{ A, B T }

// Stringer is an interface with methods.
type Stringer interface{ String() string }

// Inner is embedded through a pointer.
type Inner struct {
	X string `json:"x"`
}

// Doc has one unsupported field of each kind.
//
//dbgen:collection docs
type Doc struct {
	ID      string             `json:"_id"`
	Events  chan int           `json:"events"`
	Hook    func()             `json:"hook"`
	Complex complex128         `json:"complex"`
	ByInt   map[int]string     `json:"byInt"`
	Named   Stringer           `json:"named"`
	Anon    struct{ A string } `json:"anon"`
	PtrPtr  **string           `json:"ptrPtr"`
	Generic Pair[int]          `json:"generic"`
	Addr    uintptr            `json:"addr"`
	Nested  []map[bool]string  `json:"nested"`
	AsText  int                `json:"asText,string"`
	*Inner
}
