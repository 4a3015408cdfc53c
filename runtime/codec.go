package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// DecodeJSON is json.Unmarshal with numbers in free-form fields (any,
// map[string]any) decoded as json.Number, so an integer there is never
// rounded through float64. Generated code decodes every body with it.
func DecodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("invalid JSON: data after the top-level value")
	}
	return nil
}
