package full

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbgen/dbgen/golden/full/other"
	"github.com/dbgen/dbgen/runtime"
	"github.com/go-playground/validator/v10"
)

// validAgent returns an Agent that passes every rule; tests break one thing.
func validAgent() *Agent {
	return &Agent{
		ID:        NewAgentID().String(),
		UserID:    "u1",
		Namespace: "ns",
		Name:      "agent",
		Status:    "pending",
		Level:     3,
		Score:     0.5,
		Enabled:   true,
		Tools:     map[string][]string{"web": {"search"}},
		Models:    []Model{{Name: "gpt"}},
		Home:      other.Address{Street: "Main St"},
		CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Key:       "sk-very-secret",
	}
}

// failures lists the (path, rule) pairs of a Validate error, in order.
func failures(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	var out []string
	for _, e := range list {
		var re *runtime.Error
		if !errors.As(e, &re) || re.Kind != runtime.KindValidation || re.Collection != "agents" {
			t.Fatalf("not a validation error of agents: %#v", e)
		}
		out = append(out, re.Field+" "+re.Rule)
	}
	return out
}

func TestValidateRules(t *testing.T) {
	if err := validAgent().Validate(); err != nil {
		t.Fatalf("valid agent rejected: %v", err)
	}
	nick1, nick2 := "x", "xy"
	tests := []struct {
		name   string
		change func(a *Agent)
		want   []string
	}{
		{"required string", func(a *Agent) { a.UserID = "" }, []string{"userId required"}},
		{"max", func(a *Agent) { a.UserID = strings.Repeat("é", 65) }, []string{"userId max=64"}},
		{"max counts runes", func(a *Agent) { a.UserID = strings.Repeat("é", 64) }, nil},
		{"email", func(a *Agent) { a.Email = "not-an-email" }, []string{"email email"}},
		{"email ok", func(a *Agent) { a.Email = "a@example.com" }, nil},
		{"url", func(a *Agent) { a.Homepage = "example.com" }, []string{"homepage url"}},
		{"uuid", func(a *Agent) { a.Ref = "123" }, []string{"ref uuid"}},
		{"oneof", func(a *Agent) { a.Status = "done" }, []string{"status oneof=pending processing 'in review'"}},
		{"oneof quoted", func(a *Agent) { a.Status = "in review" }, nil},
		{"gte", func(a *Agent) { a.Level = -1 }, []string{"level gte=0"}},
		{"lte", func(a *Agent) { a.Level = 6 }, []string{"level lte=5"}},
		{"gt", func(a *Agent) { a.Score = 0 }, []string{"score gt=0"}},
		{"lt", func(a *Agent) { a.Score = 1.5 }, []string{"score lt=1.5"}},
		{"ne number", func(a *Agent) { a.Count = 13 }, []string{"count ne=13"}},
		{"len", func(a *Agent) { a.Exact = "abc" }, []string{"exact len=4"}},
		{"eq string", func(a *Agent) { a.Fixed = "no" }, []string{"fixed eq=yes"}},
		{"ne string", func(a *Agent) { a.Not = "no" }, []string{"not ne=no"}},
		{"eq bool", func(a *Agent) { a.Enabled = false }, []string{"enabled eq=true"}},
		{"map max", func(a *Agent) {
			for i := range 11 {
				a.Tools[fmt.Sprint(i)] = []string{"t"}
			}
		}, []string{"tools max=10"}},
		{"dive into map values", func(a *Agent) { a.Tools["empty"] = []string{} }, []string{"tools[empty] min=1"}},
		{"dive twice", func(a *Agent) { a.Tools["web"] = []string{"ok", "", strings.Repeat("x", 31)} },
			[]string{"tools[web][1] required", "tools[web][2] max=30"}},
		{"dive into structs", func(a *Agent) { a.Models = append(a.Models, Model{}) }, []string{"models[1].name required"}},
		{"pointer omitempty", func(a *Agent) { a.Nick = &nick1 }, []string{"nick min=2"}},
		{"pointer ok", func(a *Agent) { a.Nick = &nick2 }, nil},
		{"other package struct", func(a *Agent) { a.Home = other.Address{City: strings.Repeat("c", 51)} },
			[]string{"home.street required", "home.city max=50"}},
		{"time required", func(a *Agent) { a.CreatedAt = time.Time{} }, []string{"createdAt required"}},
		{"every failure, in field order", func(a *Agent) { a.Name = ""; a.UserID = ""; a.Level = 9 },
			[]string{"userId required", "name required", "level lte=5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAgent()
			tt.change(a)
			got := failures(t, a.Validate())
			if !slices.Equal(got, tt.want) {
				t.Errorf("failures = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultStringCap(t *testing.T) {
	long := strings.Repeat("ü", runtime.DefaultStringMaxLen) // 10,000 runes, 20,000 bytes
	tests := []struct {
		name   string
		change func(a *Agent, s string)
		path   string
	}{
		{"top-level", func(a *Agent, s string) { a.Namespace = s }, "namespace"},
		{"secret", func(a *Agent, s string) { a.Key = s }, "key"},
		{"promoted", func(a *Agent, s string) { a.Note = s }, "note"},
		{"slice element", func(a *Agent, s string) { a.Tags = []string{"a", s} }, "tags[1]"},
		{"nested struct", func(a *Agent, s string) { a.Models[0].Provider = s }, "models[0].provider"},
		{"pointer to struct", func(a *Agent, s string) { a.Owner = &Owner{Token: s} }, "owner.token"},
		{"array of arrays", func(a *Agent, s string) { a.Grid[1][0] = s }, "grid[1][0]"},
		{"pointer", func(a *Agent, s string) { a.Nick = &s }, "nick"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAgent()
			tt.change(a, long)
			if err := a.Validate(); err != nil {
				t.Fatalf("%d runes rejected: %v", runtime.DefaultStringMaxLen, err)
			}
			tt.change(a, long+"ü")
			got := failures(t, a.Validate())
			if want := []string{tt.path + " max=10000"}; !slices.Equal(got, want) {
				t.Errorf("failures = %q, want %q", got, want)
			}
		})
	}
}

// TestAgreesWithValidator checks the compiled rules against the validator
// package, which reads the same tags, on values under the string cap.
func TestAgreesWithValidator(t *testing.T) {
	v := validator.New()
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	nick := "x"
	samples := []func(a *Agent){
		func(a *Agent) {},
		func(a *Agent) { a.UserID, a.Email, a.Homepage, a.Ref = "", "a@@b", "nope", "not-uuid" },
		func(a *Agent) {
			a.Email, a.Homepage, a.Ref = "x@y.org", "https://x.org/p", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
		},
		func(a *Agent) { a.Status, a.Level, a.Score, a.Count = "", -3, 2, 13 },
		func(a *Agent) {
			a.Exact, a.Fixed, a.Not, a.Short, a.Enabled = "abcde", "yes!", "no", strings.Repeat("s", 21), false
		},
		func(a *Agent) {
			a.Tools = map[string][]string{"a": {}, "b": {"", "ok"}, "c": {strings.Repeat("z", 31)}}
		},
		func(a *Agent) { a.Models = []Model{{}, {Name: "m"}, {}}; a.Nick = &nick; a.Home = other.Address{} },
		func(a *Agent) { a.CreatedAt = time.Time{}; a.Tools = nil },
	}
	for i, change := range samples {
		a := validAgent()
		change(a)
		got := failures(t, a.Validate())
		var want []string
		var verrs validator.ValidationErrors
		if err := v.Struct(a); errors.As(err, &verrs) {
			for _, fe := range verrs {
				rule := fe.Tag()
				if fe.Param() != "" {
					rule += "=" + fe.Param()
				}
				want = append(want, strings.TrimPrefix(fe.Namespace(), "Agent.")+" "+rule)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("sample %d: Validate = %q, validator = %q", i, got, want)
		}
	}
}

func TestDecodeIgnoresSystemMembers(t *testing.T) {
	a, err := DecodeAgent([]byte(`{"_id":"forged","_rev":"9-x","_ID":"forged2","_deleted":true,"_attachments":{},"name":"n","userId":"u"}`))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "" || a.Rev != "" || a.Name != "n" || a.UserID != "u" {
		t.Errorf("decoded %+v: system members must be ignored, others kept", *a)
	}
	for _, bad := range []string{`{"name":`, `{"level":"high"}`, `[]`} {
		if _, err := DecodeAgent([]byte(bad)); !errors.Is(err, runtime.ErrValidation) {
			t.Errorf("DecodeAgent(%s) = %v, want kind validation", bad, err)
		}
	}
}

func TestMarshalDocument(t *testing.T) {
	a := validAgent()
	a.Rev = "1-abc"
	a.Note = "promoted"
	body, err := a.MarshalDocument()
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		t.Fatal(err)
	}
	for _, system := range []string{"_id", "_rev"} {
		if _, ok := members[system]; ok {
			t.Errorf("body has %s: %s", system, body)
		}
	}
	if _, ok := members["note"]; !ok {
		t.Errorf("body lacks the promoted field note: %s", body)
	}
	var back Agent
	if err := back.UnmarshalDocument(body); err != nil {
		t.Fatal(err)
	}
	back.SetDocumentMeta(a.ID, a.Rev)
	if !reflect.DeepEqual(&back, a) {
		t.Errorf("round trip:\n got %#v\nwant %#v", back.redacted(), a.redacted())
	}
}

// Integers in free-form fields are never rounded through float64, whether
// they come from the store or from a client.
func TestFreeJSONIntegersStayExact(t *testing.T) {
	const doc = `{"name":"n","free":{"big":9007199254740993,"neg":-9223372036854775808,"f":0.1},"anything":[12345678901234567890]}`
	a, err := DecodeAgent([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(a.Free["big"], " ", a.Free["neg"], " ", a.Anything); got != "9007199254740993 -9223372036854775808 [12345678901234567890]" {
		t.Fatalf("client JSON decoded free integers as %s", got)
	}
	body, err := a.MarshalDocument()
	if err != nil {
		t.Fatal(err)
	}
	var back Agent
	if err := back.UnmarshalDocument(body); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalDocument()
	if !bytes.Equal(again, body) || !strings.Contains(string(body), `"big":9007199254740993`) || !strings.Contains(string(body), `[12345678901234567890]`) {
		t.Fatalf("stored round trip changed free JSON:\n%s\n%s", body, again)
	}
}

func TestIDs(t *testing.T) {
	for _, bad := range []string{"", "not-a-uuid", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8"} {
		if _, err := ParseAgentID(bad); !errors.Is(err, runtime.ErrInvalidID) {
			t.Errorf("ParseAgentID(%q) = %v, want kind invalid ID", bad, err)
		}
	}
	id := NewAgentID()
	if parsed, err := ParseAgentID(id.String()); err != nil || parsed != id {
		t.Errorf("ParseAgentID(NewAgentID()) = %v, %v", parsed, err)
	}
	var target AgentID
	if err := json.Unmarshal([]byte(`"../etc"`), &target); !errors.Is(err, runtime.ErrInvalidID) {
		t.Errorf("UnmarshalText accepted a bad ID: %v", err)
	}
	if len(NewAuditEntryID().String()) != 32 {
		t.Error("default rule IDs are 32 hex characters")
	}
	if _, err := ParseAuditEntryID(strings.Repeat("a", 41)); !errors.Is(err, runtime.ErrInvalidID) {
		t.Error("idmax=40 not enforced")
	}
}

func TestCompositeKey(t *testing.T) {
	id, err := NewDataItemID("user:1", "n%s", "k/ü")
	if err != nil {
		t.Fatal(err)
	}
	if want := "user%3A1:n%25s:k%2F%C3%BC"; id.String() != want {
		t.Errorf("ID = %s, want %s", id, want)
	}
	// Injective: part lists that concatenate alike never collide.
	seen := map[string][]string{}
	for _, parts := range [][]string{{"a:b", "c", "d"}, {"a", "b:c", "d"}, {"a", "b", "c:d"}, {"a%3Ab", "c", "d"}} {
		id, err := NewDataItemID(parts[0], parts[1], parts[2])
		if err != nil {
			t.Fatal(err)
		}
		if prev, dup := seen[id.String()]; dup {
			t.Errorf("%q and %q both give %s", prev, parts, id)
		}
		seen[id.String()] = parts
	}
	if _, err := NewDataItemID("u", "", "k"); !errors.Is(err, runtime.ErrInvalidID) {
		t.Errorf("empty part: %v, want kind invalid ID", err)
	}
	if _, err := NewDataItemID(strings.Repeat("u", 95), "n", "k/k"); !errors.Is(err, runtime.ErrInvalidID) {
		t.Errorf("over idmax: %v, want kind invalid ID", err)
	}
}

func TestSecretsMasked(t *testing.T) {
	a := validAgent()
	o := Owner{Name: "o", Token: "tok-secret"}
	var logs bytes.Buffer
	text := slog.New(slog.NewTextHandler(&logs, nil))
	js := slog.New(slog.NewJSONHandler(&logs, nil))
	text.Info("m", "agent", a, "owner", o)
	js.Info("m", "agent", a, "owner", &o)
	outputs := []string{
		fmt.Sprintf("%v", a), fmt.Sprintf("%+v", *a), fmt.Sprintf("%s", a), fmt.Sprintf("%#v", a),
		fmt.Sprint(a), a.String(), a.GoString(),
		fmt.Sprintf("%v %+v %s %#v", o, o, o, o), fmt.Sprint([]Owner{o}), logs.String(),
	}
	for _, out := range outputs {
		if strings.Contains(out, "very-secret") || strings.Contains(out, "tok-secret") {
			t.Errorf("secret printed: %s", out)
		}
		if !strings.Contains(out, "***") {
			t.Errorf("mask missing: %s", out)
		}
	}
	if !strings.Contains(fmt.Sprint(a), "agent") {
		t.Error("other fields must still print")
	}
	empty := Owner{Name: "o"}
	if strings.Contains(fmt.Sprint(empty), "***") {
		t.Error("an empty secret must not look set")
	}
	if a.Key != "sk-very-secret" {
		t.Error("printing must not change the document")
	}
}

func TestRepository(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, runtime.WithProvider("memory"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := validAgent()
	if err := db.Agents.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if a.Rev == "" {
		t.Error("Create did not set the revision")
	}
	id, _ := ParseAgentID(a.ID)
	got, err := db.Agents.Get(ctx, id)
	if err != nil || got.Name != a.Name || got.ID != a.ID {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	n := 0
	for doc, err := range db.Agents.FindByUserIDAndNamespace(ctx, "u1", "ns") {
		if err != nil || doc.ID != a.ID {
			t.Fatalf("finder yielded %v, %v", doc, err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("finder found %d documents, want 1", n)
	}
	page, err := db.Agents.FindByNamePage(ctx, "nobody", runtime.PageRequest{})
	if err != nil || len(page.Items) != 0 {
		t.Errorf("FindByNamePage = %v, %v", page, err)
	}
	bad := validAgent()
	bad.Name = ""
	if err := db.Agents.Create(ctx, bad); !errors.Is(err, runtime.ErrValidation) {
		t.Errorf("Create of an invalid agent: %v, want kind validation", err)
	}
}

// Members another writer stored beside the declared fields survive a
// read-modify-write; clients cannot add any.
func TestRestKeepsUndeclaredMembers(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, runtime.WithProvider("memory"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id, err := NewDataItemID("u1", "ns", "k")
	if err != nil {
		t.Fatal(err)
	}
	legacy := `{"userId":"u1","namespace":"ns","key":"k","count":1,"legacyNote":"keep me","big":9007199254740993,"_attachments":{}}`
	if _, err := db.Store().Driver().Create(ctx, agentDataStoreSpec, runtime.RawDoc{ID: id.String(), Body: []byte(legacy)}); err != nil {
		t.Fatal(err)
	}
	updated, err := db.AgentDataStore.Update(ctx, id, func(d *DataItem) error { d.Count++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(updated.Extra) != 2 || string(updated.Extra["legacyNote"]) != `"keep me"` {
		t.Fatalf("Extra after Update: %s", updated.Extra)
	}
	raw, err := db.Store().Driver().Get(ctx, agentDataStoreSpec, id.String())
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"userId":"u1","namespace":"ns","key":"k","count":2,"big":9007199254740993,"legacyNote":"keep me"}`; string(raw.Body) != want {
		t.Fatalf("stored after Update:\n got %s\nwant %s", raw.Body, want)
	}
	client, err := DecodeDataItem([]byte(`{"userId":"u1","sneaky":"x"}`))
	if err != nil || client.Extra != nil {
		t.Fatalf("client JSON filled Extra: %v %v", client.Extra, err)
	}
}
