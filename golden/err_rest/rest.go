// Package errrest holds misplaced and mistyped dbgen:"rest" fields.
package errrest

import "encoding/json"

// Nested is not a collection: it has no stored body of its own.
type Nested struct {
	Rest map[string]json.RawMessage `json:"-" dbgen:"rest"`
}

// Doc has one bad rest field per line.
//
//dbgen:collection docs
type Doc struct {
	ID     string                     `json:"_id"`
	Nested Nested                     `json:"nested"`
	Tagged map[string]json.RawMessage `json:"tagged" dbgen:"rest"`
	Wrong  map[string]any             `json:"-" dbgen:"rest"`
	First  map[string]json.RawMessage `json:"-" dbgen:"rest"`
	Second map[string]json.RawMessage `json:"-" dbgen:"rest"`
}
