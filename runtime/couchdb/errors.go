package couchdb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	kivik "github.com/go-kivik/kivik/v4"

	"github.com/dbgen/dbgen/runtime"
)

// fail maps a kivik error to a *runtime.Error by HTTP status, never by text.
// A done context wins: the caller cancelled, whatever the transport said.
func (d *Driver) fail(ctx context.Context, err error, what string) error {
	if err == nil {
		return nil
	}
	var mapped *runtime.Error
	if errors.As(err, &mapped) {
		return err
	}
	if what != "" {
		err = fmt.Errorf("%s: %w", what, err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &runtime.Error{Kind: runtime.KindCanceled, Err: ctxErr}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &runtime.Error{Kind: runtime.KindCanceled, Err: d.scrub(err)}
	}
	status := kivik.HTTPStatus(err)
	var kind runtime.Kind
	switch {
	case status == http.StatusNotFound:
		kind = runtime.KindNotFound
	case status == http.StatusConflict:
		kind = runtime.KindConflict
	case status == http.StatusBadRequest:
		kind = runtime.KindInvalidArgument
	case status == http.StatusRequestEntityTooLarge:
		kind = runtime.KindTooLarge
	case status == http.StatusUnauthorized:
		return &runtime.Error{Kind: runtime.KindInternal, Err: d.scrub(fmt.Errorf("couchdb authentication failed (HTTP 401): check %s and %s: %w", EnvUser, EnvPassword, err))}
	case status == http.StatusForbidden:
		return &runtime.Error{Kind: runtime.KindInternal, Err: d.scrub(fmt.Errorf("couchdb permission denied (HTTP 403): the user lacks access to this database: %w", err))}
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		// kivik reports network failures (refused, reset, timeouts) as 502.
		kind = runtime.KindUnavailable
	default:
		kind = runtime.KindInternal
	}
	return &runtime.Error{Kind: kind, Err: d.scrub(err)}
}

// scrub guarantees that no error text carries the password: credentials never
// go into URLs, but should one appear anyway the error is replaced by its
// text with the password masked.
func (d *Driver) scrub(err error) error {
	if err == nil || d.password == "" || !strings.Contains(err.Error(), d.password) {
		return err
	}
	return scrubbed(strings.ReplaceAll(err.Error(), d.password, "***"))
}

type scrubbed string

func (s scrubbed) Error() string { return string(s) }
