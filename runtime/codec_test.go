package runtime_test

import (
	"encoding/json"
	"testing"

	"github.com/dbgen/dbgen/runtime"
)

func TestDecodeJSONKeepsIntegers(t *testing.T) {
	var v struct {
		Free map[string]any `json:"free"`
		N    int64          `json:"n"`
	}
	if err := runtime.DecodeJSON([]byte(`{"free":{"big":9007199254740993,"f":0.5},"n":-9223372036854775808}`), &v); err != nil {
		t.Fatal(err)
	}
	if got, ok := v.Free["big"].(json.Number); !ok || got.String() != "9007199254740993" {
		t.Fatalf("free integer decoded as %T %v", v.Free["big"], v.Free["big"])
	}
	if v.N != -9223372036854775808 {
		t.Fatalf("typed int64: %d", v.N)
	}
	out, _ := json.Marshal(v.Free)
	if string(out) != `{"big":9007199254740993,"f":0.5}` {
		t.Fatalf("re-encoded: %s", out)
	}
	for _, bad := range []string{``, `{`, `{} {}`, `{}x`, `[1]`} {
		if err := runtime.DecodeJSON([]byte(bad), &v); err == nil {
			t.Errorf("DecodeJSON(%q) accepted", bad)
		}
	}
}

func TestRestRoundTrip(t *testing.T) {
	stored := map[string]bool{"name": true, "count": true}
	body := []byte(`{"_id":"x","_rev":"1-a","name":"n","legacy":{"a":[1,2]},"old_flag":true,"count":3,"big":9007199254740993}`)
	rest, err := runtime.RestOf(body, stored)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 3 || string(rest["legacy"]) != `{"a":[1,2]}` || string(rest["big"]) != "9007199254740993" || string(rest["old_flag"]) != "true" {
		t.Fatalf("RestOf: %s", rest)
	}
	if rest, _ := runtime.RestOf([]byte(`{"name":"n","_attachments":{}}`), stored); rest != nil {
		t.Fatalf("no undeclared members: %v", rest)
	}
	// Declared and system names in rest never override the fields.
	rest["name"] = json.RawMessage(`"shadow"`)
	rest["_deleted"] = json.RawMessage(`true`)
	out, err := runtime.WithRest([]byte(`{"name":"n","count":3}`), rest, stored)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"name":"n","count":3,"big":9007199254740993,"legacy":{"a":[1,2]},"old_flag":true}` {
		t.Fatalf("WithRest: %s", out)
	}
	if out, _ := runtime.WithRest([]byte(`{}`), map[string]json.RawMessage{"a": json.RawMessage("1")}, stored); string(out) != `{"a":1}` {
		t.Fatalf("WithRest into an empty object: %s", out)
	}
	if _, err := runtime.WithRest([]byte(`{}`), map[string]json.RawMessage{"a": json.RawMessage("{bad")}, stored); err == nil {
		t.Fatal("invalid rest value accepted")
	}
}
