package runtime

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/go-playground/validator/v10"
)

func TestPaths(t *testing.T) {
	got := []string{
		FieldPath("", "tools"),
		KeyPath(FieldPath("", "tools"), "web"),
		IndexPath(KeyPath("tools", "web"), 2),
		FieldPath(IndexPath("models", 0), "name"),
	}
	want := []string{"tools", "tools[web]", "tools[web][2]", "models[0].name"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("path %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// TestFormatsAgreeWithValidator checks IsEmail, IsURL and IsUUID against the
// validator package's email, url and uuid rules.
func TestFormatsAgreeWithValidator(t *testing.T) {
	v := validator.New()
	samples := []string{
		"", "a@b.co", "a.b+c@example.org", "a@b", "@b.co", "a@@b.co", "Name <a@b.co>", "a b@c.org", "ü@example.de",
		"https://example.com", "http://x", "example.com", "mailto:a@b.co", "file:///etc/x", "file:///", "https://", "x://#frag", "HTTP://EXAMPLE.COM/A",
		"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "6ba7b8109dad11d180b400c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430c",
	}
	checks := map[string]func(string) bool{"email": IsEmail, "url": IsURL, "uuid": IsUUID}
	for rule, check := range checks {
		for _, s := range samples {
			want := v.Var(s, rule) == nil
			if got := check(s); got != want {
				t.Errorf("%s(%q) = %v, validator says %v", rule, s, got, want)
			}
		}
	}
}

func TestNewIDs(t *testing.T) {
	hex := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 100 {
		u, h := NewUUID(), NewHexID()
		if !UUIDPattern.MatchString(u) || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) {
			t.Fatalf("NewUUID() = %s, not a lower-case version 4 UUID", u)
		}
		if !hex.MatchString(h) || (IDRule{}).Check(h) != nil {
			t.Fatalf("NewHexID() = %s", h)
		}
		if seen[u] || seen[h] {
			t.Fatal("random IDs repeat")
		}
		seen[u], seen[h] = true, true
	}
}

func TestJoinKey(t *testing.T) {
	got, err := JoinKey("user:1", "a%b", "x.y_z-Q9", "é")
	if want := "user%3A1:a%25b:x.y_z-Q9:%C3%A9"; err != nil || got != want {
		t.Errorf("JoinKey = %q, %v; want %q", got, err, want)
	}
	// No ID starts with '_': a leading one is escaped, later ones are not.
	if got, err := JoinKey("_u", "_n"); err != nil || got != "%5Fu:_n" {
		t.Errorf("JoinKey(_u, _n) = %q, %v", got, err)
	}
	if _, err := JoinKey("a", ""); !errors.Is(err, ErrInvalidID) {
		t.Errorf("empty part: %v, want kind invalid ID", err)
	}
	// Injective: escaped parts hold no raw ':', so splitting recovers them.
	lists := [][]string{{"a:b", "c"}, {"a", "b:c"}, {"a%3Ab", "c"}, {"a", "b", "c"}, {"a:b:c"}, {"_a", "b"}, {"%5Fa", "b"}}
	seen := map[string]bool{}
	for _, parts := range lists {
		id, _ := JoinKey(parts...)
		if seen[id] {
			t.Errorf("%q collides: %s", parts, id)
		}
		seen[id] = true
		if n := strings.Count(id, ":") + 1; n != len(parts) {
			t.Errorf("%s has %d parts, want %d", id, n, len(parts))
		}
	}
}

func TestKeyIDAndCheckID(t *testing.T) {
	c := &Collection{Name: "things", ID: IDRule{Pattern: regexp.MustCompile(`^[A-Za-z0-9_.%:-]+$`), MaxLen: 12}}
	if id, err := KeyID(c, "a/b", "c"); err != nil || id != "a%2Fb:c" {
		t.Errorf("KeyID = %q, %v", id, err)
	}
	_, err := KeyID(c, "abcdefgh", "ijklm")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindInvalidID || e.Collection != "things" {
		t.Errorf("over MaxLen: %#v, want kind invalid ID of things", err)
	}
	if err := CheckID(c, "ok"); err != nil {
		t.Errorf("CheckID(ok) = %v", err)
	}
	if err := CheckID(c, "no space"); !errors.Is(err, ErrInvalidID) || !strings.Contains(err.Error(), "things") {
		t.Errorf("CheckID(bad) = %v", err)
	}
}

func TestMask(t *testing.T) {
	if Mask("") != "" || Mask("s3cret") != "***" {
		t.Error("Mask shows whether a secret is set, never its value")
	}
}

func TestDecodeError(t *testing.T) {
	err := DecodeError(&Collection{Name: "things"}, errors.New("bad json"))
	if !errors.Is(err, ErrValidation) || !strings.Contains(err.Error(), "things") {
		t.Errorf("DecodeError = %v", err)
	}
}
