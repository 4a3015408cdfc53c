package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// This file holds the small helpers that generated code calls: stored field
// paths for validation errors, the string formats of validate rules, random
// and composite document IDs.

// FieldPath returns the stored path of field name under parent ("" at the top).
func FieldPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// IndexPath returns the stored path of element i of the list at parent.
func IndexPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

// KeyPath returns the stored path of the member key of the map at parent.
func KeyPath(parent, key string) string {
	return parent + "[" + key + "]"
}

// emailPattern is the address pattern of the validator package's email rule,
// so generated checks accept exactly what `validate:"email"` accepts there.
var emailPattern = regexp.MustCompile("^(?:(?:(?:(?:[a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])+(?:\\.([a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])+)*)|(?:(?:\\x22)(?:(?:(?:(?:\\x20|\\x09)*(?:\\x0d\\x0a))?(?:\\x20|\\x09)+)?(?:(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]|\\x21|[\\x23-\\x5b]|[\\x5d-\\x7e]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(?:(?:[\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}]))))*(?:(?:(?:\\x20|\\x09)*(?:\\x0d\\x0a))?(\\x20|\\x09)+)?(?:\\x22))))@(?:(?:(?:[a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(?:(?:[a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])(?:[a-zA-Z]|\\d|-|\\.|~|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])*(?:[a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])))\\.)+(?:(?:[a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(?:(?:[a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])(?:[a-zA-Z]|\\d|-|\\.|~|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])*(?:[a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])))\\.?$")

// IsEmail reports whether s is an e-mail address (the `email` rule).
func IsEmail(s string) bool {
	if _, err := mail.ParseAddress(s); err != nil {
		return false
	}
	return emailPattern.MatchString(s)
}

// IsURL reports whether s is an absolute URL (the `url` rule): it has a
// scheme, and a host, fragment or opaque part; file URLs need a path.
func IsURL(s string) bool {
	if s == "" {
		return false
	}
	u, err := url.Parse(strings.ToLower(s))
	if err != nil || u.Scheme == "" {
		return false
	}
	if u.Scheme == "file" {
		return u.Path != "" && u.Path != "/"
	}
	return u.Host != "" || u.Fragment != "" || u.Opaque != ""
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s is a UUID in its canonical text form, either case
// (the `uuid` rule).
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// Mask returns "***" for a non-empty secret and "" for an empty one, so a
// printed document shows whether a secret is set but never its value.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "***"
}

// NewUUID returns a random (version 4) UUID in lower case, the form
// UUIDPattern accepts.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// NewHexID returns 32 random lower-case hex characters (128 bits), an ID the
// default rule accepts.
func NewHexID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// JoinKey builds a composite document ID: every part must be non-empty; each
// byte outside [A-Za-z0-9_.-] (and a leading "_") is escaped as %XX, and the parts are joined
// with ':'. As ':' and '%' never appear raw in an escaped part, distinct part
// lists always give distinct IDs.
func JoinKey(parts ...string) (string, error) {
	var b strings.Builder
	for i, p := range parts {
		if p == "" {
			return "", &Error{Kind: KindInvalidID, Rule: fmt.Sprintf("key part %d required", i+1)}
		}
		if i > 0 {
			b.WriteByte(':')
		}
		for j := 0; j < len(p); j++ {
			// A leading '_' is escaped too: no ID may start with one.
			if c := p[j]; keyByteIsPlain(c) && (c != '_' || b.Len() > 0) {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
	}
	return b.String(), nil
}

func keyByteIsPlain(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
}

// KeyID joins parts with JoinKey and checks the result against the rule of
// collection c, for the generated composite-key constructors.
func KeyID(c *Collection, parts ...string) (string, error) {
	id, err := JoinKey(parts...)
	if err != nil {
		return "", annotate(err, "make ID", c.Name, "")
	}
	return id, CheckID(c, id)
}

// CheckID checks id against the rule of collection c, for the generated ID
// parsers; the error is of kind invalid ID and names the collection.
func CheckID(c *Collection, id string) error {
	return annotate(c.ID.Check(id), "parse ID", c.Name, "")
}

// DecodeError reports client JSON that does not decode into a document of
// collection c, as an error of kind validation.
func DecodeError(c *Collection, err error) error {
	return &Error{Kind: KindValidation, Op: "decode", Collection: c.Name, Err: err}
}
