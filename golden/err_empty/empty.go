// Package errempty has no collection.
package errempty

// Doc is not annotated.
type Doc struct {
	ID string `json:"_id"`
}
