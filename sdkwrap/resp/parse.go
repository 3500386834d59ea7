package resp

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// Reply is one decoded RESP2 reply.
type Reply struct {
	// Kind is the reply's type byte: '+' simple string, '-' error, ':' integer, '$' bulk
	// string, '*' array.
	Kind  byte
	Text  []byte // a simple string's, an error's or a bulk string's bytes
	Int   int64  // an integer's value
	Null  bool   // a null bulk string ($-1) or null array (*-1)
	Elems []Reply
}

// Bounds on a reply: the replies plugins expect nest one level and hold a handful of
// elements, and a hostile or broken reply must not make Parse allocate more than a small
// multiple of its own size.
const (
	maxParseDepth = 8
	maxElements   = 1024 // array elements in the whole reply
)

// Parse decodes exactly one reply filling all of b (Higress hands a plugin one reply per
// call).
func Parse(b []byte) (Reply, error) {
	budget := maxElements
	r, rest, err := parse(b, 0, &budget)
	if err != nil {
		return Reply{}, err
	}
	if len(rest) != 0 {
		return Reply{}, errors.New("resp: trailing bytes after the reply")
	}
	return r, nil
}

// Err is an error reply as a Go error carrying its first 120 bytes; nil for any other reply.
// Redis's error text may quote the start of a command's arguments (an unknown command's), so
// callers keep the secrets out of the commands themselves.
func (r Reply) Err() error {
	if r.Kind != '-' {
		return nil
	}
	msg := r.Text
	if len(msg) > 120 {
		return fmt.Errorf("redis: %s...", msg[:120])
	}
	return fmt.Errorf("redis: %s", msg)
}

func parse(b []byte, depth int, budget *int) (Reply, []byte, error) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 1 {
		return Reply{}, nil, errors.New("resp: truncated reply")
	}
	r, body, rest := Reply{Kind: b[0]}, b[1:i], b[i+2:]
	switch r.Kind {
	case '+', '-':
		r.Text = body
		return r, rest, nil
	case ':':
		n, err := strconv.ParseInt(string(body), 10, 64)
		if err != nil {
			return Reply{}, nil, errors.New("resp: malformed integer")
		}
		r.Int = n
		return r, rest, nil
	}
	n, err := strconv.Atoi(string(body))
	if err != nil || n < -1 {
		return Reply{}, nil, fmt.Errorf("resp: malformed %q header", r.Kind)
	}
	if n == -1 && (r.Kind == '$' || r.Kind == '*') {
		r.Null = true
		return r, rest, nil
	}
	switch r.Kind {
	case '$':
		if n > len(rest)-2 || rest[n] != '\r' || rest[n+1] != '\n' {
			return Reply{}, nil, errors.New("resp: truncated bulk string")
		}
		r.Text = rest[:n]
		return r, rest[n+2:], nil
	case '*':
		if depth == maxParseDepth {
			return Reply{}, nil, errors.New("resp: arrays nested too deep")
		}
		if *budget -= n; *budget < 0 {
			return Reply{}, nil, errors.New("resp: reply holds too many elements")
		}
		// Grown as elements parse: a header that lies about its length costs nothing.
		for k := 0; k < n; k++ {
			var e Reply
			if e, rest, err = parse(rest, depth+1, budget); err != nil {
				return Reply{}, nil, err
			}
			r.Elems = append(r.Elems, e)
		}
		return r, rest, nil
	}
	return Reply{}, nil, fmt.Errorf("resp: unsupported reply type %q", r.Kind)
}
