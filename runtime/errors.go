package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error. Each kind is also a sentinel error, so callers
// write errors.Is(err, runtime.ErrNotFound) and never match on text.
type Kind uint8

const (
	_ Kind = iota
	KindNotFound
	KindAlreadyExists
	KindConflict
	KindInvalidID
	KindValidation
	KindTooLarge
	KindUnknownCollection
	KindUnavailable
	KindInvalidArgument
	KindCanceled
	KindInternal
)

// Sentinels for errors.Is.
var (
	ErrNotFound          error = KindNotFound
	ErrAlreadyExists     error = KindAlreadyExists
	ErrConflict          error = KindConflict
	ErrInvalidID         error = KindInvalidID
	ErrValidation        error = KindValidation
	ErrTooLarge          error = KindTooLarge
	ErrUnknownCollection error = KindUnknownCollection
	ErrUnavailable       error = KindUnavailable
	ErrInvalidArgument   error = KindInvalidArgument
	ErrCanceled          error = KindCanceled
	ErrInternal          error = KindInternal
)

var kindText = [...]string{
	KindNotFound:          "not found",
	KindAlreadyExists:     "already exists",
	KindConflict:          "revision conflict",
	KindInvalidID:         "invalid document ID",
	KindValidation:        "validation failed",
	KindTooLarge:          "document too large",
	KindUnknownCollection: "unknown collection",
	KindUnavailable:       "database unavailable",
	KindInvalidArgument:   "invalid argument",
	KindCanceled:          "canceled",
	KindInternal:          "internal error",
}

func (k Kind) Error() string {
	if int(k) < len(kindText) && kindText[k] != "" {
		return kindText[k]
	}
	return fmt.Sprintf("error kind %d", k)
}

// Error is the one error type the runtime returns. It carries the kind, where
// it happened and, for validation failures, the stored field name and rule.
// It never carries document bodies or credentials.
type Error struct {
	Kind       Kind
	Op         string // "get", "create", "replace", "delete", "query", ...
	Collection string
	ID         string
	Field      string // validation: the stored field path, e.g. "basicInfo.email"
	Rule       string // validation: the rule that failed, e.g. "max=100"
	Err        error  // the underlying cause, if any; never contains credentials
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dbgen")
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
	}
	if e.Collection != "" {
		b.WriteString(" ")
		b.WriteString(e.Collection)
		if e.ID != "" {
			fmt.Fprintf(&b, "/%q", e.ID)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	switch {
	case e.Field != "" && e.Rule != "":
		fmt.Fprintf(&b, ": field %s fails %s", e.Field, e.Rule)
	case e.Field != "":
		fmt.Fprintf(&b, ": field %s", e.Field)
	case e.Rule != "":
		fmt.Fprintf(&b, ": %s", e.Rule)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is e's kind, so errors.Is works with the sentinels.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the first *Error in err's tree, or 0.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k Kind
	if errors.As(err, &k) {
		return k
	}
	return 0
}

// IsRetryable reports whether err is transient: the same call may succeed later.
func IsRetryable(err error) bool { return errors.Is(err, ErrUnavailable) }

// Errorf builds an *Error of the given kind; drivers use it to map native
// errors (by status or code, never by text).
func Errorf(kind Kind, cause error, format string, args ...any) *Error {
	e := &Error{Kind: kind, Err: cause}
	if format != "" {
		msg := fmt.Errorf(format, args...)
		if cause != nil {
			msg = fmt.Errorf("%s: %w", msg.Error(), cause)
		}
		e.Err = msg
	}
	return e
}

// ValidationError reports a failed field rule. Generated Validate methods
// call it; field is the stored (JSON) path of the field.
func ValidationError(collection, field, rule string) *Error {
	return &Error{Kind: KindValidation, Op: "validate", Collection: collection, Field: field, Rule: rule}
}

// annotate fills in the operation, collection and ID of a driver error and
// turns foreign errors into *Error values of kind internal (or unavailable
// for context errors, which are the caller's to retry).
func annotate(err error, op, collection, id string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.Op == "" {
			c.Op = op
		}
		if c.Collection == "" {
			c.Collection = collection
		}
		if c.ID == "" {
			c.ID = id
		}
		return &c
	}
	kind := KindInternal
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		kind = KindCanceled
	}
	return &Error{Kind: kind, Op: op, Collection: collection, ID: id, Err: err}
}
