package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
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

// RestOf returns the top-level members of a stored body that the document
// type does not declare (stored is the set of its stored names) and that are
// not system members, or nil if there are none. Generated code keeps them in
// the type's dbgen:"rest" field, so that rewriting a document written by
// another program never drops what this schema does not know.
func RestOf(body []byte, stored map[string]bool) (map[string]json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, err
	}
	var rest map[string]json.RawMessage
	for k, v := range top {
		if stored[k] || strings.HasPrefix(k, "_") {
			continue
		}
		if rest == nil {
			rest = make(map[string]json.RawMessage)
		}
		rest[k] = v
	}
	return rest, nil
}

// WithRest appends the members of rest to the JSON object body, in key
// order, skipping declared and system names (those belong to the fields and
// to the provider). Each value must be valid JSON.
func WithRest(body []byte, rest map[string]json.RawMessage, stored map[string]bool) ([]byte, error) {
	keys := make([]string, 0, len(rest))
	for k := range rest {
		if !stored[k] && !strings.HasPrefix(k, "_") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return body, nil
	}
	slices.Sort(keys)
	body = bytes.TrimSpace(body)
	if len(body) < 2 || body[len(body)-1] != '}' {
		return nil, errors.New("document body is not a JSON object")
	}
	out := append([]byte(nil), body[:len(body)-1]...)
	for _, k := range keys {
		v := bytes.TrimSpace(rest[k])
		if !json.Valid(v) {
			return nil, fmt.Errorf("rest member %q is not valid JSON", k)
		}
		if out[len(out)-1] != '{' {
			out = append(out, ',')
		}
		name, _ := json.Marshal(k)
		out = append(append(append(out, name...), ':'), v...)
	}
	return append(out, '}'), nil
}
