package drivertest

import (
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/dbgen/dbgen/runtime"
)

// Thing is the suite's document type: one field of each kind a provider must
// keep exact. Its methods are what dbgen generates for a collection type,
// written by hand here so the runtime's tests do not depend on the generator.
type Thing struct {
	ID     string                        `json:"_id"`
	Rev    string                        `json:"_rev,omitempty"`
	Group  string                        `json:"group"`
	Rank   int64                         `json:"rank"`
	Count  int64                         `json:"count"`
	Ratio  float64                       `json:"ratio"`
	Active bool                          `json:"active"`
	Name   string                        `json:"name"`
	At     time.Time                     `json:"at"`
	Tags   []string                      `json:"tags,omitempty"`
	Points []Point                       `json:"points,omitempty"`
	Nested map[string]map[string][]int64 `json:"nested,omitempty"`
	Free   json.RawMessage               `json:"free,omitempty"`
}

// Point is a nested struct.
type Point struct {
	X, Y  int64
	Label string `json:"label"`
}

// ThingID is the typed ID of Thing.
type ThingID string

func (id ThingID) String() string { return string(id) }

type thingFields Thing // no methods: encoding/json must not recurse into ours

// thingBody drops the system fields: the shallower _id and _rev win over the
// embedded ones, so they are never encoded (empty, omitted) and never decoded
// into the document (a driver may return them in the body).
type thingBody struct {
	*thingFields
	SystemID  string `json:"_id,omitempty"`
	SystemRev string `json:"_rev,omitempty"`
}

func (t *Thing) DocumentID() string             { return t.ID }
func (t *Thing) DocumentRev() string            { return t.Rev }
func (t *Thing) SetDocumentMeta(id, rev string) { t.ID, t.Rev = id, rev }

func (t *Thing) MarshalDocument() ([]byte, error) {
	return json.Marshal(thingBody{thingFields: (*thingFields)(t)})
}

func (t *Thing) UnmarshalDocument(b []byte) error {
	return json.Unmarshal(b, &thingBody{thingFields: (*thingFields)(t)})
}

// Validate caps the name, so the suite can check that invalid documents are
// refused before any I/O.
func (t *Thing) Validate() error {
	var errs []error
	if utf8.RuneCountInString(t.Name) > 200 {
		errs = append(errs, runtime.ValidationError("dt_things", "name", "max=200"))
	}
	if utf8.RuneCountInString(t.Group) > runtime.DefaultStringMaxLen {
		errs = append(errs, runtime.ValidationError("dt_things", "group", "max=10000"))
	}
	return errors.Join(errs...)
}

// The suite's schema.
var (
	byGroup          = &runtime.Index{Name: "group", Fields: []runtime.IndexField{{Name: "group", Kind: runtime.FieldString}}}
	byGroupRankDesc  = &runtime.Index{Name: "group_by_rank_desc", Fields: []runtime.IndexField{{Name: "group", Kind: runtime.FieldString}}, OrderBy: &runtime.IndexField{Name: "rank", Kind: runtime.FieldInt}, Desc: true}
	byActiveGroup    = &runtime.Index{Name: "active_group", Fields: []runtime.IndexField{{Name: "active", Kind: runtime.FieldBool}, {Name: "group", Kind: runtime.FieldString}}}
	byGroupAt        = &runtime.Index{Name: "group_by_at", Fields: []runtime.IndexField{{Name: "group", Kind: runtime.FieldString}}, OrderBy: &runtime.IndexField{Name: "at", Kind: runtime.FieldTime}}
	byRank           = &runtime.Index{Name: "rank", Fields: []runtime.IndexField{{Name: "rank", Kind: runtime.FieldInt}}}
	things           = &runtime.Collection{Name: "dt_things", Indexes: []*runtime.Index{byGroup, byGroupRankDesc, byActiveGroup, byGroupAt, byRank}, MaxBytes: 64 << 10}
	codes            = &runtime.Collection{Name: "dt_codes", ID: runtime.IDRule{Pattern: regexpCodes, MaxLen: 3}}
	suiteSchema      = runtime.MustSchema(things, codes)
	thingsLookalike  = &runtime.Collection{Name: "dt_things"} // same name, not the schema's spec
	notInSchemaIndex = &runtime.Index{Name: "group", Fields: []runtime.IndexField{{Name: "group", Kind: runtime.FieldString}}}
)

type thingRepo = runtime.Repo[Thing, *Thing, ThingID]
