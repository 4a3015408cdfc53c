package runtime

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// Page sizes.
const (
	DefaultPageSize = 100  // page size of iterators and of requests without a limit
	MaxPageSize     = 1000 // the largest page a request may ask for
)

// PageRequest asks for one page: the token from the previous page ("" for
// the first) and the page size (0 means DefaultPageSize).
type PageRequest struct {
	Token string
	Limit int
}

// Page is one page of documents. Next is the token of the following page, or
// "" after the last one. Tokens are opaque and bound to their query: a token
// reused with another query or collection is rejected as invalid argument.
type Page[T any] struct {
	Items []*T
	Next  string
}

const fingerprintLen = 8

// fingerprint identifies a query: collection, index and equality values.
func fingerprint(c *Collection, ix *Index, values []any) []byte {
	h := sha256.New()
	h.Write([]byte(c.Name))
	h.Write([]byte{0})
	if ix != nil {
		h.Write([]byte(ix.Name))
	}
	for _, v := range values {
		h.Write([]byte{0})
		fmt.Fprintf(h, "%T:%v", v, v)
	}
	return h.Sum(nil)[:fingerprintLen]
}

func encodeToken(fp []byte, cursor string) string {
	if cursor == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(append(append([]byte(nil), fp...), cursor...))
}

func decodeToken(fp []byte, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) <= fingerprintLen || !bytes.Equal(b[:fingerprintLen], fp) {
		return "", &Error{Kind: KindInvalidArgument, Rule: "page token", Err: errBadToken}
	}
	return string(b[fingerprintLen:]), nil
}

var errBadToken = fmt.Errorf("page token is malformed or belongs to another query")

// QueryValue normalises a finder argument to the forms drivers accept:
// string, int64, float64 or bool. Times become the RFC 3339 string that
// encoding/json stores.
func QueryValue(v any) (any, error) {
	switch x := v.(type) {
	case string, int64, float64, bool:
		return x, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return nil, fmt.Errorf("query value %d overflows int64", x)
		}
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("query value %d overflows int64", x)
		}
		return int64(x), nil
	case float32:
		// Through its shortest decimal form, as encoding/json stores it.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		return f, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	case fmt.Stringer:
		return x.String(), nil
	}
	// Named types (type Status string) by their underlying kind.
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Float64:
		return rv.Float(), nil
	}
	return nil, fmt.Errorf("unsupported query value type %T", v)
}
