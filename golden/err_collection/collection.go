// Package errcollection holds bad collection directives and queries.
package errcollection

import "time"

// A is fine, and claims the name "things".
//
//dbgen:collection things
//dbgen:query missing
//dbgen:query tags
//dbgen:query name
//dbgen:query name name=FindByName
//dbgen:query order=-at
//dbgen:query name order=name
//dbgen:query name extra
type A struct {
	ID   string    `json:"_id"`
	Name string    `json:"name"`
	Tags []string  `json:"tags"`
	At   time.Time `json:"at"`
}

// B repeats the collection name.
//
//dbgen:collection things
type B struct {
	ID string `json:"_id"`
}

// C has a bad name and options.
//
//dbgen:collection Bad-Name idmax=500 maxbytes=0 color=red
type C struct {
	ID string `json:"_id"`
}

// D has an unanchored ID pattern.
//
//dbgen:collection d_docs id=/[a-z]+/
type D struct {
	ID string `json:"_id"`
}

// E has an invalid ID pattern.
//
//dbgen:collection e_docs id=/^[a-z+$/
type E struct {
	ID string `json:"_id"`
}

// F has an unknown ID rule and no _id field.
//
//dbgen:collection f_docs id=serial
type F struct {
	Name string `json:"name"`
}

// G has a non-string _rev and another '_' field.
//
//dbgen:collection g_docs
type G struct {
	ID      string `json:"_id"`
	Rev     int    `json:"_rev"`
	Deleted bool   `json:"_deleted"`
}

// H has bad composite keys.
//
//dbgen:collection h_docs key=userId,namespace
type H struct {
	ID        string `json:"_id"`
	UserID    string `json:"userId"`
	Namespace string `json:"namespace"`
}

// I has composite keys on fields that cannot be keys.
//
//dbgen:collection i_docs id=uuid key=count,nope
type I struct {
	ID    string `json:"_id"`
	Count int    `json:"count"`
}

// J is not a struct.
//
//dbgen:collection j_docs
type J string

// K has a query but no collection, and an unknown directive.
//
//dbgen:query name
//dbgen:colection k_docs
type K struct {
	Name string `json:"name"`
}

// L would be field DB.Store.
//
//dbgen:collection store
type L struct {
	ID string `json:"_id"`
}

// M has a regex that only looks anchored.
//
//dbgen:collection m_docs id=/^a$|^b$/ idmax=x
type M struct {
	ID string `json:"_id"`
}

// N queries fields that a document may lack.
//
//dbgen:collection n_docs
//dbgen:query owner
type N struct {
	ID    string `json:"_id"`
	Owner string `json:"owner,omitempty"`
	Team  string `json:"team,omitempty" dbgen:"index"`
}
