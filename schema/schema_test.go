package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dbgen/dbgen/runtime"
)

// Documents as the old Python service stored them: system fields inline,
// naive isoformat() timestamps, snake_case names on agents, members this
// schema does not know. They must read through the generated code.
func TestLegacyDocumentsRead(t *testing.T) {
	agent := `{"_id":"5f1c2b3a-9d8e-4f70-a1b2-c3d4e5f60718","_rev":"3-abc","name":"weather",
		"tools":{"http":["get"]},"inputSchema":{"type":"object"},"created_at":"2025-06-01T12:30:00.123456",
		"updated_at":"2025-06-02T08:00:00+00:00","legacyFlag":true}`
	var a Agent
	if err := a.UnmarshalDocument([]byte(agent)); err != nil {
		t.Fatal(err)
	}
	if a.Name != "weather" || a.Tools["http"][0] != "get" || !a.CreatedAt.Equal(time.Date(2025, 6, 1, 12, 30, 0, 123456000, time.UTC)) {
		t.Fatalf("legacy agent: %+v", a)
	}
	if a.ID != "" || a.Rev != "" {
		t.Fatal("the body's _id/_rev must come from the driver, not the body")
	}
	if len(a.Extra) != 1 || string(a.Extra["legacyFlag"]) != "true" {
		t.Fatalf("undeclared members: %s", a.Extra)
	}
	if body, _ := a.MarshalDocument(); !strings.Contains(string(body), `"legacyFlag":true`) {
		t.Fatalf("rewritten body drops an undeclared member: %s", body)
	}
	a.SetDocumentMeta("5f1c2b3a-9d8e-4f70-a1b2-c3d4e5f60718", "3-abc")
	if err := a.Validate(); err != nil {
		t.Fatalf("legacy agent does not validate: %v", err)
	}

	user := `{"_id":"google:1234","basicInfo":{"displayName":"Ada","email":"ada@example.com"},
		"billingInfo":{"plan":"pro","status":"active"},
		"usageInfo":{"monthlyAllowance":10,"spendRemaining":7.25,"allowanceResetDate":"2025-07-01T00:00:00",
			"usage":[{"timestamp":"2025-06-03T10:00:00.5","responseCost":0.0021,"metadata":{"model":"gpt-4o","tokens":1234}}]},
		"apiKeys":{"openaiApiKey":"sk-legacy"},"createdAt":"2025-01-01T00:00:00"}`
	var u User
	if err := u.UnmarshalDocument([]byte(user)); err != nil {
		t.Fatal(err)
	}
	if u.UsageInfo.SpendRemaining != 7.25 || len(u.UsageInfo.Usage) != 1 || u.UsageInfo.Usage[0].ResponseCost != 0.0021 || u.APIKeys.OpenAIAPIKey != "sk-legacy" {
		t.Fatalf("legacy user: %+v", u.UsageInfo)
	}
	if _, err := ParseUserID("google:1234"); err != nil {
		t.Fatalf("legacy user ID refused: %v", err)
	}
	if err := u.Validate(); err != nil {
		t.Fatalf("legacy user does not validate: %v", err)
	}
	// Legacy composite keys, built by plain concatenation, stay readable.
	if _, err := ParseDataStoreEntryID("google:1234:prefs:city"); err != nil {
		t.Fatalf("legacy data store ID refused: %v", err)
	}
}

func TestCompositeIDsNeverCollide(t *testing.T) {
	a, err := NewDataStoreEntryID("google:1", "ns", "k")
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewDataStoreEntryID("google", "1:ns", "k")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("%s and %s collide", a, b)
	}
	if a.String() != "google%3A1:ns:k" {
		t.Fatalf("escaped ID %s", a)
	}
	if _, err := NewDataStoreEntryID("u", "", "k"); !errors.Is(err, runtime.ErrInvalidID) {
		t.Fatalf("empty part: %v", err)
	}
	if _, err := NewDataStoreEntryID(strings.Repeat("u", 60), strings.Repeat("n", 60), "k"); !errors.Is(err, runtime.ErrInvalidID) {
		t.Fatalf("over 100 characters: %v", err)
	}
}

func TestUserSecretsNeverPrinted(t *testing.T) {
	u := &User{ID: "github:ada", APIKeys: APIKeys{OpenAIAPIKey: "sk-openai-1", GeminiAPIKey: "gm-2"}}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("user", "user", u, "keys", u.APIKeys)
	for _, out := range []string{fmt.Sprint(u), fmt.Sprintf("%+v", u), fmt.Sprintf("%#v", u), fmt.Sprintf("%v", *u), fmt.Sprintf("%s", u.APIKeys), logged.String()} {
		if strings.Contains(out, "sk-openai") || strings.Contains(out, "gm-2") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	body, _ := u.MarshalDocument()
	if !strings.Contains(string(body), "sk-openai-1") {
		t.Fatal("masking must not change what is stored")
	}
}

func TestUsageIsBounded(t *testing.T) {
	u := &User{ID: "github:ada", UsageInfo: UsageInfo{Usage: make([]UsageRecord, 1001)}}
	var e *runtime.Error
	if err := u.Validate(); !errors.As(err, &e) || e.Field != "usageInfo.usage" || e.Rule != "max=1000" {
		t.Fatalf("unbounded usage: %v", err)
	}
}

// Client input never panics the decoder or the validator, and whatever
// decodes re-encodes without system fields.
func FuzzDecodeUser(f *testing.F) {
	f.Add([]byte(`{"basicInfo":{"email":"a@b.co"},"usageInfo":{"usage":[{"responseCost":1}]}}`))
	f.Add([]byte(`{"_id":"x","_rev":"1","_deleted":true,"apiKeys":{"openaiApiKey":"k"}}`))
	f.Add([]byte(`{"createdAt":"2025-01-01T00:00:00","usageInfo":{"monthlyAllowance":-1}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := DecodeUser(data)
		if err != nil {
			if !errors.Is(err, runtime.ErrValidation) {
				t.Fatalf("decode error of kind %v: %v", runtime.KindOf(err), err)
			}
			return
		}
		if u.ID != "" || u.Rev != "" {
			t.Fatalf("client set system fields: %q %q", u.ID, u.Rev)
		}
		_ = u.Validate()
		body, err := u.MarshalDocument()
		if err != nil {
			return // e.g. a timestamp outside years 1..9999
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			t.Fatalf("body is not an object: %s", body)
		}
		for k := range top {
			if strings.HasPrefix(k, "_") {
				t.Fatalf("body has system member %q", k)
			}
		}
	})
}
