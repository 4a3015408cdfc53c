package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// ProviderEnv is the environment variable that selects a provider.
const ProviderEnv = "DATABASE_PROVIDER"

// DefaultProvider is used when ProviderEnv is unset or empty.
const DefaultProvider = "memory"

// Env looks up configuration by variable name, like os.LookupEnv.
type Env func(name string) (string, bool)

// OpenFunc opens a provider's driver from configuration.
type OpenFunc func(ctx context.Context, env Env) (Driver, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]OpenFunc{}
)

// Register makes a provider available by name, as database/sql drivers do.
// Provider packages call it from init, so an application compiles in only the
// SDKs of the providers it imports.
func Register(name string, open OpenFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("dbgen: provider registered twice: " + name)
	}
	registry[name] = open
}

// Providers returns the registered provider names, sorted.
func Providers() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// knownProviders are every provider dbgen ships, registered or not, so that
// an error can tell a misspelling from a provider that is not compiled in.
var knownProviders = []string{"couchdb", "dynamodb", "firestore", "memory"}

// Option configures Open.
type Option func(*options)

type options struct {
	provider string
	env      Env
	driver   Driver
	retry    RetryPolicy
}

// WithProvider selects the provider by name, overriding DATABASE_PROVIDER.
func WithProvider(name string) Option { return func(o *options) { o.provider = name } }

// WithEnv replaces the process environment as the source of configuration.
func WithEnv(env Env) Option { return func(o *options) { o.env = env } }

// WithDriver uses an already opened driver; provider and environment are then ignored.
func WithDriver(d Driver) Option { return func(o *options) { o.driver = d } }

// WithRetry sets the retry policy of Update.
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = p } }

// MapEnv is an Env over a map, for tests and explicit configuration.
func MapEnv(m map[string]string) Env {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

// Store is an opened database: a driver plus the schema it serves. It is safe
// for concurrent use.
type Store struct {
	schema *Schema
	driver Driver
	retry  RetryPolicy
}

// Open opens a store for schema. The provider comes from WithDriver, else
// WithProvider, else DATABASE_PROVIDER, else "memory". An unknown provider
// name is an error that lists the valid ones; nothing falls back silently.
func Open(ctx context.Context, schema *Schema, opts ...Option) (*Store, error) {
	if schema == nil {
		return nil, errors.New("dbgen: Open: nil schema")
	}
	o := options{env: os.LookupEnv, retry: DefaultRetryPolicy}
	for _, opt := range opts {
		opt(&o)
	}
	d := o.driver
	if d == nil {
		name := o.provider
		if name == "" {
			name, _ = o.env(ProviderEnv)
			name = strings.TrimSpace(name)
		}
		if name == "" {
			name = DefaultProvider
		}
		registryMu.RLock()
		open := registry[name]
		registryMu.RUnlock()
		if open == nil {
			if slices.Contains(knownProviders, name) {
				return nil, fmt.Errorf("dbgen: provider %q is not compiled in: import github.com/dbgen/dbgen/runtime/%s (or runtime/providers)", name, name)
			}
			return nil, fmt.Errorf("dbgen: unknown %s %q: valid values are %s", ProviderEnv, name, strings.Join(knownProviders, ", "))
		}
		var err error
		if d, err = open(ctx, o.env); err != nil {
			return nil, err
		}
	}
	return &Store{schema: schema, driver: d, retry: o.retry}, nil
}

// Schema returns the schema the store was opened with.
func (s *Store) Schema() *Schema { return s.schema }

// Driver returns the underlying driver, for provider-specific needs.
func (s *Store) Driver() Driver { return s.driver }

// EnsureSchema provisions every collection and index of the schema. It is
// the one explicit step that creates anything; reads and writes never do.
func (s *Store) EnsureSchema(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return annotate(err, "ensure schema", "", "")
	}
	return annotate(s.driver.EnsureSchema(ctx, s.schema), "ensure schema", "", "")
}

// Close closes the driver.
func (s *Store) Close() error { return s.driver.Close() }

// Secret returns the value of a credential variable: name itself, or the
// contents of the file that name+"_FILE" points at (trailing newline
// trimmed), as container secrets are mounted. Values never appear in errors.
func Secret(env Env, name string) (string, bool, error) {
	if v, ok := env(name); ok && v != "" {
		return v, true, nil
	}
	path, ok := env(name + "_FILE")
	if !ok || path == "" {
		return "", false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false, fmt.Errorf("dbgen: reading %s_FILE: %w", name, errors.Unwrap(err))
	}
	return strings.TrimRight(string(b), "\r\n"), true, nil
}
