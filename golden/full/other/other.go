// Package other declares a struct type used by the full case from another package.
package other

// Address is stored inside documents of another package.
type Address struct {
	Street string `json:"street" validate:"required"`
	City   string `json:"city" validate:"max=50"`
	Zip    int    `json:"zip,omitempty"`
}
