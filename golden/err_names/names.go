// Package errnames declares names that the generated file would declare too.
package errnames

// Doc is a collection.
//
//dbgen:collection docs
type Doc struct {
	ID    string `json:"_id"`
	Token string `json:"token" dbgen:"secret"`
}

// String is declared here, but dbgen masks Doc's secrets with its own.
func (d Doc) String() string { return d.ID }

// Validate is generated too.
func (d *Doc) Validate() error { return nil }

// ParseDocID is generated too.
func ParseDocID(s string) (string, error) { return s, nil }

// DB is generated too.
type DB struct{}

var json = "a package-level name the generated file imports"

var _ = json
