package couchdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	kivik "github.com/go-kivik/kivik/v4"
	kivikcouch "github.com/go-kivik/kivik/v4/couchdb"

	"github.com/dbgen/dbgen/runtime"
)

// Configuration variables read by the registered provider.
const (
	EnvURL      = "COUCHDB_URL"
	EnvUser     = "COUCHDB_USER"
	EnvPassword = "COUCHDB_PASSWORD"
	EnvDBPrefix = "COUCHDB_DB_PREFIX"
)

func init() { runtime.Register("couchdb", open) }

// Options configure New.
type Options struct {
	URL      string       // server URL, http:// or https://, without credentials
	User     string       // required
	Password string       // required
	Prefix   string       // optional database name prefix, e.g. "staging_"
	HTTP     *http.Client // optional; copied, never modified
}

// Driver is the CouchDB runtime.Driver. It is safe for concurrent use.
type Driver struct {
	client   *kivik.Client
	prefix   string
	password string // only to scrub error texts
}

var (
	_ runtime.Driver          = (*Driver)(nil)
	_ runtime.GetManyDriver   = (*Driver)(nil)
	_ runtime.BulkWriteDriver = (*Driver)(nil)
)

// open is the registered OpenFunc: configuration from env.
func open(ctx context.Context, env runtime.Env) (runtime.Driver, error) {
	rawURL, _ := env(EnvURL)
	if strings.TrimSpace(rawURL) == "" {
		return nil, fmt.Errorf("couchdb: %s is not set", EnvURL)
	}
	user, ok, err := runtime.Secret(env, EnvUser)
	if err != nil {
		return nil, fmt.Errorf("couchdb: %w", err)
	}
	if !ok || user == "" {
		return nil, fmt.Errorf("couchdb: %s (or %s_FILE) is not set", EnvUser, EnvUser)
	}
	password, ok, err := runtime.Secret(env, EnvPassword)
	if err != nil {
		return nil, fmt.Errorf("couchdb: %w", err)
	}
	if !ok || password == "" {
		return nil, fmt.Errorf("couchdb: %s (or %s_FILE) is not set", EnvPassword, EnvPassword)
	}
	prefix, _ := env(EnvDBPrefix)
	return New(ctx, Options{URL: strings.TrimSpace(rawURL), User: user, Password: password, Prefix: prefix})
}

// dbNamePattern is CouchDB's rule for database names; the prefix must keep
// every name valid.
var dbNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_$()+/-]*$`)

// New opens a driver. It makes no request: a wrong address or credentials
// surface on the first call, as kind unavailable or an authentication error.
func New(_ context.Context, o Options) (*Driver, error) {
	u, err := url.Parse(o.URL)
	switch {
	case o.URL == "":
		return nil, errors.New("couchdb: no server URL given")
	case err != nil:
		// url.Parse errors quote the whole URL: say only that it is invalid.
		return nil, errors.New("couchdb: the server URL is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("couchdb: the server URL must start with http:// or https://")
	case u.Host == "":
		return nil, errors.New("couchdb: the server URL has no host")
	case u.User != nil:
		return nil, errors.New("couchdb: the server URL must not contain credentials: set the user and password separately")
	case o.User == "" || o.Password == "":
		// Never anonymous: pouchdb-server crashes on some anonymous requests.
		return nil, errors.New("couchdb: a user and a password are required")
	case o.Prefix != "" && !dbNamePattern.MatchString(o.Prefix):
		return nil, fmt.Errorf("couchdb: database prefix %q: must match %s", o.Prefix, dbNamePattern)
	}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if o.HTTP != nil {
		c := *o.HTTP // kivik installs its auth transport on the client it is given
		hc = &c
	}
	client, err := kivik.New("couch", u.String(),
		kivikcouch.BasicAuth(o.User, o.Password),
		kivikcouch.OptionHTTPClient(hc),
		kivikcouch.OptionNoRequestCompression(),
		kivikcouch.OptionUserAgent("dbgen"),
	)
	d := &Driver{client: client, prefix: o.Prefix, password: o.Password}
	if err != nil {
		return nil, d.scrub(fmt.Errorf("couchdb: %w", err))
	}
	return d, nil
}

// Close releases the client's resources.
func (d *Driver) Close() error { return d.scrub(d.client.Close()) }

// DBName is the database of collection c.
func (d *Driver) DBName(c *runtime.Collection) string { return d.prefix + c.Name }

func (d *Driver) db(c *runtime.Collection) *kivik.DB { return d.client.DB(d.DBName(c)) }

// Client returns the kivik client, for provider-specific needs.
func (d *Driver) Client() *kivik.Client { return d.client }

// Get returns the current document.
func (d *Driver) Get(ctx context.Context, c *runtime.Collection, id string) (runtime.RawDoc, error) {
	row := d.db(c).Get(ctx, id)
	var body json.RawMessage
	if err := row.ScanDoc(&body); err != nil {
		return runtime.RawDoc{}, d.fail(ctx, err, "")
	}
	// The revision comes from the body: kivik's Document.Rev reads the
	// ETag, which pouchdb-server sets to a hash, not the revision.
	return rawDoc(body)
}

// Create stores a new document; a taken ID is kind already exists.
func (d *Driver) Create(ctx context.Context, c *runtime.Collection, doc runtime.RawDoc) (string, error) {
	sid := doc.ID
	body, err := encodeBody(sid, "", doc.Body)
	if err != nil {
		return "", err
	}
	rev, err := d.db(c).Put(ctx, sid, body)
	if kivik.HTTPStatus(err) == http.StatusConflict {
		return "", &runtime.Error{Kind: runtime.KindAlreadyExists}
	}
	return rev, d.fail(ctx, err, "")
}

// Replace overwrites the document at doc.Rev.
func (d *Driver) Replace(ctx context.Context, c *runtime.Collection, doc runtime.RawDoc) (string, error) {
	if doc.Rev == "" {
		return "", &runtime.Error{Kind: runtime.KindConflict, Err: errors.New("no revision given")}
	}
	sid := doc.ID
	body, err := encodeBody(sid, doc.Rev, doc.Body)
	if err != nil {
		return "", err
	}
	db := d.db(c)
	rev, err := db.Put(ctx, sid, body)
	if kivik.HTTPStatus(err) == http.StatusConflict {
		// CouchDB answers 409 for a missing document too.
		return "", d.conflictOrMissing(ctx, db, sid, err)
	}
	return rev, d.fail(ctx, err, "")
}

// conflictOrMissing turns a 409 on a write with a revision into not found
// when the document does not exist (or is deleted). id is the stored ID.
func (d *Driver) conflictOrMissing(ctx context.Context, db *kivik.DB, id string, conflict error) error {
	revs, err := d.currentRevs(ctx, db, []string{id})
	if err != nil {
		return err
	}
	if _, ok := revs[id]; !ok {
		return &runtime.Error{Kind: runtime.KindNotFound}
	}
	return d.fail(ctx, conflict, "")
}

// deleteAttempts bounds the retries of a delete of whatever revision when
// concurrent writes keep changing the document.
const deleteAttempts = 8

// Delete removes the document, at rev if rev != "".
func (d *Driver) Delete(ctx context.Context, c *runtime.Collection, id, rev string) error {
	db := d.db(c)
	if rev != "" {
		_, err := db.Delete(ctx, id, rev)
		if kivik.HTTPStatus(err) == http.StatusConflict {
			return d.conflictOrMissing(ctx, db, id, err)
		}
		return d.fail(ctx, err, "")
	}
	var err error
	for range deleteAttempts {
		// Not GetRev: kivik reads it from the ETag, which pouchdb-server
		// sets to a hash, not the revision.
		var revs map[string]string
		if revs, err = d.currentRevs(ctx, db, []string{id}); err != nil {
			return err
		}
		cur, ok := revs[id]
		if !ok {
			return &runtime.Error{Kind: runtime.KindNotFound}
		}
		if _, err = db.Delete(ctx, id, cur); kivik.HTTPStatus(err) != http.StatusConflict {
			return d.fail(ctx, err, "")
		}
	}
	return d.fail(ctx, err, "")
}

// currentRevs returns the current revision of each existing, undeleted
// document of ids (stored IDs, as are the keys of the result), in one
// `_all_docs?keys=` request.
func (d *Driver) currentRevs(ctx context.Context, db *kivik.DB, ids []string) (map[string]string, error) {
	rs := db.AllDocs(ctx, kivik.Param("keys", ids))
	defer rs.Close()
	revs := make(map[string]string, len(ids))
	for rs.Next() {
		id, err := rs.ID()
		if err != nil || id == "" {
			continue // an error row: {"key": id, "error": "not_found"}
		}
		var v struct {
			Rev     string `json:"rev"`
			Deleted bool   `json:"deleted"`
		}
		if err := rs.ScanValue(&v); err != nil {
			return nil, d.fail(ctx, err, "")
		}
		if v.Rev != "" && !v.Deleted {
			revs[id] = v.Rev
		}
	}
	if err := rs.Err(); err != nil {
		return nil, d.fail(ctx, err, "")
	}
	return revs, nil
}

// encodeBody returns the stored form of an application body: `_id`, then
// `_rev` if given, then the application's fields as they are (numbers keep
// their exact text). A `_`-prefixed member is refused: the core never sends
// one, and it must never reach CouchDB (`_deleted`, `_attachments`, ...).
func encodeBody(id, rev string, body []byte) (json.RawMessage, error) {
	bad := func(err error) error {
		return &runtime.Error{Kind: runtime.KindInvalidArgument, Err: fmt.Errorf("document body: %w", err)}
	}
	var b strings.Builder
	b.WriteString(`{"_id":`)
	writeJSON(&b, id)
	if rev != "" {
		b.WriteString(`,"_rev":`)
		writeJSON(&b, rev)
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bad(errors.New("not a JSON object"))
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		key, _ := tok.(string)
		if strings.HasPrefix(key, "_") {
			return nil, bad(fmt.Errorf("system member %q", key))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, bad(err)
		}
		b.WriteByte(',')
		writeJSON(&b, key)
		b.WriteByte(':')
		b.Write(v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad(errors.New("trailing data"))
	}
	b.WriteByte('}')
	return json.RawMessage(b.String()), nil
}

func writeJSON(b *strings.Builder, s string) {
	j, _ := json.Marshal(s) // a string always marshals
	b.Write(j)
}
