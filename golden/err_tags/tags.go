// Package errtags holds bad dbgen and validate tags.
package errtags

// Item is nested; index tags do not apply to it.
type Item struct {
	Name string `json:"name" dbgen:"index"`
}

// Doc has one bad tag per field.
//
//dbgen:collection docs
type Doc struct {
	ID       string            `json:"_id"`
	Rev      string            `json:"_rev" validate:"required"`
	Unknown  string            `json:"unknown" dbgen:"primary"`
	Rule     string            `json:"rule" validate:"required,shiny"`
	Alt      string            `json:"alt" validate:"email|url"`
	Email    int               `json:"email" validate:"email"`
	NoParam  string            `json:"noParam" validate:"max"`
	Extra    string            `json:"extra" validate:"required=1"`
	BadNum   int8              `json:"badNum" validate:"max=1000"`
	BadFloat float64           `json:"badFloat" validate:"min=abc"`
	BadBool  bool              `json:"badBool" validate:"eq=maybe"`
	Secret   int               `json:"secret" dbgen:"secret"`
	Dive     string            `json:"dive" validate:"dive,required"`
	Req      Item              `json:"req" validate:"required"`
	OneofF   float64           `json:"oneofF" validate:"oneof=1.5 2"`
	Time     int               `json:"time" validate:"oneof=a b"`
	Items    []Item            `json:"items"`
	Keys     map[string]string `json:"keys" validate:"dive,keys,max=3,endkeys"`
}
