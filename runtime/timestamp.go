package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Timestamp is a point in time stored as a fixed-width ISO 8601 string in
// UTC with microseconds, e.g. "2026-01-11T10:00:00.123456Z". Fixed width
// makes the stored strings sort in time order, so a declared query ordered
// by a Timestamp field is ordered by time on every provider (time.Time's
// own JSON form trims trailing zeros and keeps the zone, and does not).
//
// It reads what the reference app's Python service wrote: RFC 3339 with any
// offset, and ISO 8601 without a zone (taken as UTC), with or without
// fractional seconds.
type Timestamp struct{ time.Time }

// TimestampLayout is the stored form.
const TimestampLayout = "2006-01-02T15:04:05.000000Z"

// Now returns the current time as a Timestamp, truncated to microseconds so
// that it equals itself after a round trip.
func Now() Timestamp { return Timestamp{time.Now().UTC().Truncate(time.Microsecond)} }

// String returns the stored form, or "" for the zero Timestamp.
func (t Timestamp) String() string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimestampLayout)
}

// MarshalJSON stores the zero Timestamp as null.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("timestamp year %d outside 1..9999", y)
	}
	return []byte(`"` + t.String() + `"`), nil
}

var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999", // Python isoformat() of a naive datetime
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// UnmarshalJSON accepts null (the zero Timestamp) and the layouts above.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Timestamp{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errors.New("timestamp is not a JSON string")
	}
	s := string(b[1 : len(b)-1])
	for _, layout := range timestampLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("timestamp %q is not ISO 8601", s)
}
