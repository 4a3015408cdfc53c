package runtime

import (
	"context"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds the retries of Update after a revision conflict.
type RetryPolicy struct {
	MaxAttempts int           // total attempts, at least 1
	BaseDelay   time.Duration // first backoff ceiling; doubles per attempt
	MaxDelay    time.Duration // backoff ceiling
}

// DefaultRetryPolicy lets a handful of concurrent writers of one document all
// succeed: full-jitter exponential backoff, up to 40 attempts.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 40, BaseDelay: 2 * time.Millisecond, MaxDelay: 250 * time.Millisecond}

// backoff sleeps before attempt n (1-based) and reports whether ctx is still live.
func (p RetryPolicy) backoff(ctx context.Context, n int) error {
	ceiling := p.BaseDelay << min(n-1, 20)
	if ceiling > p.MaxDelay || ceiling <= 0 {
		ceiling = p.MaxDelay
	}
	if ceiling <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(rand.N(ceiling) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
