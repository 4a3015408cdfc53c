// Package full is a golden case exercising every annotation feature.
package full

import (
	"encoding/json"
	"time"

	"github.com/dbgen/dbgen/golden/full/other"
	"github.com/dbgen/dbgen/runtime"
)

// Status is a named string type.
type Status string

// Level is a named integer type.
type Level int8

// Agent is a document with a UUID ID.
//
//dbgen:collection agents id=uuid maxbytes=200000
//dbgen:query userId,namespace
//dbgen:query userId order=-createdAt name=RecentByUser
type Agent struct {
	ID        string              `json:"_id"`
	Rev       string              `json:"_rev,omitempty"`
	UserID    string              `json:"userId" validate:"required,max=64"`
	Namespace string              `json:"namespace"`
	Name      string              `json:"name" validate:"required,max=200" dbgen:"index"`
	Email     string              `json:"email,omitempty" validate:"omitempty,email"`
	Homepage  string              `json:"homepage,omitempty" validate:"omitempty,url"`
	Ref       string              `json:"ref,omitempty" validate:"omitempty,uuid"`
	Status    Status              `json:"status" validate:"oneof=pending processing 'in review'"`
	Level     Level               `json:"level" validate:"gte=0,lte=5"`
	Score     float64             `json:"score" validate:"gt=0,lt=1.5"`
	Count     uint32              `json:"count" validate:"ne=13"`
	Exact     string              `json:"exact,omitempty" validate:"omitempty,len=4"`
	Fixed     string              `json:"fixed,omitempty" validate:"omitempty,eq=yes"`
	Not       string              `json:"not,omitempty" validate:"ne=no"`
	Short     string              `json:"short,omitempty" validate:"min=0,max=20"`
	Enabled   bool                `json:"enabled" validate:"eq=true"`
	Tools     map[string][]string `json:"tools" validate:"max=10,dive,min=1,dive,required,max=30"`
	Tags      []string            `json:"tags"`
	Models    []Model             `json:"models" validate:"dive"`
	Owner     *Owner              `json:"owner,omitempty"`
	Nick      *string             `json:"nick,omitempty" validate:"omitempty,min=2"`
	Home      other.Address       `json:"home"`
	Spec      json.RawMessage     `json:"spec,omitempty"`
	Free      map[string]any      `json:"free,omitempty"`
	Anything  any                 `json:"anything,omitempty"`
	CreatedAt time.Time           `json:"createdAt" validate:"required"`
	Grid      [2][2]string        `json:"grid"`
	Key       string              `json:"key" dbgen:"secret"`
	hidden    string              //lint:ignore U1000 unexported: the generator must skip it
	Ignored   string              `json:"-"`
	Stamps
}

// Stamps is embedded: its fields are stored at the top level.
type Stamps struct {
	UpdatedAt time.Time `json:"updatedAt"`
	Note      string    `json:"note"`
}

// Model is an element of a list.
type Model struct {
	Name     string `json:"name" validate:"required"`
	Provider string `json:"provider"`
}

// Owner holds secrets of its own.
type Owner struct {
	Name  string `json:"name"`
	Token string `json:"token" dbgen:"secret"`
}

// DataItem has a composite key.
//
//dbgen:collection agent_data_store id=/^[A-Za-z0-9_.%:-]+$/ idmax=100 key=userId,namespace,key
type DataItem struct {
	ID        string `json:"_id"`
	Rev       string `json:"_rev"`
	UserID    string `json:"userId" validate:"required"`
	Namespace string `json:"namespace" validate:"required"`
	Key       string `json:"key" validate:"required"`
	Count     int    `json:"count" dbgen:"index"`
	// Extra keeps what other writers stored beside the declared fields.
	Extra map[string]json.RawMessage `json:"-" dbgen:"rest"`
}

// AuditEntry has no revision: it is append-only.
//
//dbgen:collection site_admin_audit id=default idmax=40
//dbgen:query actorUid order=-ts
type AuditEntry struct {
	ID       string            `json:"_id"`
	ActorUID string            `json:"actorUid"`
	TS       runtime.Timestamp `json:"ts" validate:"required"`
}
