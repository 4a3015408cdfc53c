package runtime_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/dbgen/dbgen/runtime"
)

func TestTimestampReadsLegacyForms(t *testing.T) {
	want := time.Date(2026, 1, 11, 10, 0, 0, 123456000, time.UTC)
	for _, in := range []string{
		`"2026-01-11T10:00:00.123456"`,       // Python naive isoformat
		`"2026-01-11T10:00:00.123456+00:00"`, // Python aware isoformat
		`"2026-01-11T11:00:00.123456+01:00"`,
		`"2026-01-11T10:00:00.123456Z"`,
		`"2026-01-11 10:00:00.123456"`,
	} {
		var ts runtime.Timestamp
		if err := json.Unmarshal([]byte(in), &ts); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !ts.Equal(want) {
			t.Fatalf("%s: got %v", in, ts)
		}
	}
	var ts runtime.Timestamp
	for _, bad := range []string{`"yesterday"`, `12`, `"2026-13-01T00:00:00Z"`} {
		if err := json.Unmarshal([]byte(bad), &ts); err == nil {
			t.Fatalf("%s accepted", bad)
		}
	}
}

func TestTimestampStoredFormSortsInTimeOrder(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	times := []time.Time{base, base.Add(500 * time.Millisecond), base.Add(time.Second), base.Add(1500 * time.Microsecond), base.Add(10 * time.Hour)}
	var stored []string
	for _, tm := range times {
		b, err := json.Marshal(runtime.Timestamp{Time: tm})
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != len(`"2026-01-01T00:00:00.000000Z"`) {
			t.Fatalf("stored form %s is not fixed width", b)
		}
		stored = append(stored, string(b))
	}
	sorted := slices.Sorted(slices.Values(stored))
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i, tm := range times {
		b, _ := json.Marshal(runtime.Timestamp{Time: tm})
		if sorted[i] != string(b) {
			t.Fatalf("string order differs from time order at %d: %s vs %s", i, sorted[i], b)
		}
	}
	now := runtime.Now()
	b, _ := json.Marshal(now)
	var back runtime.Timestamp
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(now.Time) {
		t.Fatalf("Now does not round-trip: %v %v", back, err)
	}
	if b, _ := json.Marshal(runtime.Timestamp{}); string(b) != "null" {
		t.Fatalf("zero Timestamp stored as %s", b)
	}
}
