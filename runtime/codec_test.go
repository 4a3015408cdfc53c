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
