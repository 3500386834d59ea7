package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// FuzzReader feeds arbitrary bytes to NewReader and a sample schema with nested lists and
// objects. It checks that nothing panics, that every problem and warning starts with a
// well-formed path, and that the parser agrees with encoding/json: on what it accepts,
// the same tree; on what it refuses but encoding/json accepts, one of the stricter rules.
// The seed corpus is in testdata/fuzz/FuzzReader.
func FuzzReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(data)
		if err != nil {
			checkParseError(t, data, err)
			return
		}
		checkSameTree(t, data, r)
		sampleSchema(r)
		var errs Errors
		if err := r.Err(); err != nil {
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Err() = %#v", err)
			}
			if !wellFormed(err.Error()) {
				t.Fatalf("error does not start with a path: %q", err.Error())
			}
		}
		for _, p := range append(errs, r.Warnings()...) {
			if !wellFormed(p.String()) {
				t.Fatalf("problem does not start with a path: %q", p.String())
			}
		}
	})
}

// sampleSchema reads a little of everything, nested.
func sampleSchema(r *Reader) {
	r.String("name", "", Required(), NonEmpty())
	r.Secret("token", "")
	r.Int("limit", 10, Min(1), Max(1000))
	r.Float("ratio", 0.5, Min(0), Max(1))
	r.Bool("enabled", true)
	r.Duration("window", time.Minute, Min(time.Second))
	r.Enum("mode", "local", "local", "redis")
	r.Strings("keys", nil, OneOf("a", "b", "authorization"))
	r.StringMap("headers", nil)
	r.Has("flag")
	r.Object("redis", func(o *Reader) {
		o.String("service", "", Required())
		o.Int("port", 6379)
		o.Object("tls", func(t *Reader) { t.Bool("verify", true) })
	})
	seen := map[string]int{}
	r.Array("consumers", func(i int, c *Reader) {
		name := c.String("name", "", Required())
		if j, dup := seen[name]; dup {
			c.Failf("name", "duplicate of consumers[%d]", j)
		}
		seen[name] = i
		c.Array("keys", func(j int, k *Reader) { k.Secret("value", "") })
		allow := c.Strings("allow", nil)
		for j := range allow {
			if allow[j] == "" {
				c.FailItemf("allow", j, "must not be empty")
			}
		}
	})
	r.Map("providers", func(name string, p *Reader) {
		p.String("type", "", OneOf("openai", "azure"))
		p.Map("models", func(m string, q *Reader) { q.Int("max_tokens", 0) })
		p.Keys()
	})
}

// pathPrefix matches a path ((root), or segments `key`, `.key`, `["any key"]`, `[3]`)
// followed by ": ".
var pathPrefix = regexp.MustCompile(`^(\(root\)|(?:[A-Za-z0-9_-]+|\["(?:[^"\\]|\\.)*"\]|\[[0-9]+\])(?:\.[A-Za-z0-9_-]+|\["(?:[^"\\]|\\.)*"\]|\[[0-9]+\])*): `)

func wellFormed(msg string) bool { return pathPrefix.MatchString(msg) }

// stricter are the reasons NewReader may refuse a document encoding/json accepts.
var stricter = []string{"invalid UTF-8", "unpaired surrogate", "duplicate key", "nesting deeper", "want a JSON object"}

func checkParseError(t *testing.T, data []byte, err error) {
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("NewReader error %#v, want one Problem", err)
	}
	msg := err.Error()
	if !wellFormed(msg) {
		t.Fatalf("parse error does not start with a path: %q", msg)
	}
	if json.Valid(data) {
		for _, s := range stricter {
			if strings.Contains(msg, s) {
				return
			}
		}
		t.Fatalf("refused a document encoding/json accepts: %s", msg)
	}
}

// checkSameTree compares the parsed tree with what encoding/json decodes.
func checkSameTree(t *testing.T, data []byte, r *Reader) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var std any
	if err := dec.Decode(&std); err != nil {
		t.Fatalf("accepted a document encoding/json refuses (%v): %q", err, data)
	}
	ours := toAny(value{kind: kindObject, members: r.members})
	if !reflect.DeepEqual(ours, std) {
		t.Fatalf("trees differ:\n ours %#v\n  std %#v", ours, std)
	}
}

func toAny(v value) any {
	switch v.kind {
	case kindBool:
		return v.text == "true"
	case kindNumber:
		return json.Number(v.text)
	case kindString:
		return v.text
	case kindArray:
		out := make([]any, len(v.items))
		for i, item := range v.items {
			out[i] = toAny(item)
		}
		return out
	case kindObject:
		out := make(map[string]any, len(v.members))
		for _, m := range v.members {
			out[m.key] = toAny(m.val)
		}
		return out
	}
	return nil
}
