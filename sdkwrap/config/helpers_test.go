package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// read runs fn on a reader over doc and returns what it read, the problems and the
// warnings, each formatted as "path: reason".
func read(t *testing.T, doc string, fn func(r *Reader) any) (any, []string, []string) {
	t.Helper()
	r, err := NewReader([]byte(doc))
	if err != nil {
		t.Fatalf("NewReader(%s): %v", doc, err)
	}
	got := fn(r)
	return got, problemStrings(t, r.Err()), strs(r.Warnings())
}

func problemStrings(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v is a %T, want config.Errors", err, err)
	}
	return strs(errs)
}

func strs(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func equal(a, b any) bool { return reflect.DeepEqual(a, b) }

// parseErr is the single problem NewReader reports for doc, "" when it parses.
func parseErr(t *testing.T, doc []byte) string {
	t.Helper()
	_, err := NewReader(doc)
	ps := problemStrings(t, err)
	switch len(ps) {
	case 0:
		return ""
	case 1:
		return ps[0]
	}
	t.Fatalf("NewReader gave %d problems, want 1: %v", len(ps), ps)
	return ""
}

func joinLines(ss []string) string { return strings.Join(ss, "\n") }
