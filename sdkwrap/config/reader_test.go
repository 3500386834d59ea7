package config

import (
	"errors"
	"strings"
	"testing"
)

func TestJoin(t *testing.T) {
	tests := []struct{ path, key, want string }{
		{"", "a", "a"},
		{"a", "b_c-d9", "a.b_c-d9"},
		{"", "x.y", `["x.y"]`},
		{"a", "x[0]", `a["x[0]"]`},
		{"a", `q"uote`, `a["q\"uote"]`},
		{"a", "", `a[""]`},
		{"a", "sp ace", `a["sp ace"]`},
		{"a", "\u00e9", "a[\"\u00e9\"]"},
		{"a", "tab\t", `a["tab\t"]`},
	}
	for _, tt := range tests {
		if got := JoinKey(tt.path, tt.key); got != tt.want {
			t.Errorf("JoinKey(%q, %q) = %s, want %s", tt.path, tt.key, got, tt.want)
		}
	}
	if got := JoinIndex(JoinKey("", "a"), 3); got != "a[3]" {
		t.Errorf("JoinIndex = %s", got)
	}
}

func TestNestedPaths(t *testing.T) {
	doc := `{"a":{"b":[{"c":1},{"c":"x"},{"c":true}]},"we.ird":{"k":[]}}`
	_, errs, _ := read(t, doc, func(r *Reader) any {
		r.Object("a", func(a *Reader) {
			a.Array("b", func(i int, e *Reader) { e.String("c", "") })
		})
		r.Object("we.ird", func(o *Reader) { o.Bool("k", false) })
		return nil
	})
	want := []string{
		"a.b[0].c: want a string, got number",
		"a.b[2].c: want a string, got boolean",
		`["we.ird"].k: want a boolean, got array`,
	}
	if !equal(errs, want) {
		t.Errorf("problems\n%s\nwant\n%s", joinLines(errs), joinLines(want))
	}
}

func TestFailAndWarn(t *testing.T) {
	doc := `{"consumers":[{"name":"a","credential":"k1"},{"name":"b","credential":"k1"}],"keys":["x","x"]}`
	_, errs, warns := read(t, doc, func(r *Reader) any {
		seen := map[string]int{}
		r.Array("consumers", func(i int, c *Reader) {
			c.String("name", "")
			cred := c.Secret("credential", "")
			if j, dup := seen[cred]; dup {
				c.Failf("credential", "duplicate of consumers[%d]", j)
			}
			seen[cred] = i
			if i == 1 {
				c.Failf("", "whole element")
				c.Warnf("name", "deprecated")
			}
		})
		keys := r.Strings("keys", nil)
		for i := 1; i < len(keys); i++ {
			if keys[i] == keys[i-1] {
				r.FailItemf("keys", i, "duplicate of keys[%d]", i-1)
			}
		}
		r.Failf("", "root-level problem")
		r.Warnf("", "root-level warning")
		return nil
	})
	wantErrs := []string{
		"consumers[1].credential: duplicate of consumers[0]",
		"consumers[1]: whole element",
		"keys[1]: duplicate of keys[0]",
		"(root): root-level problem",
	}
	wantWarns := []string{"consumers[1].name: deprecated", "(root): root-level warning"}
	if !equal(errs, wantErrs) || !equal(warns, wantWarns) {
		t.Errorf("problems %q\nwarnings %q", errs, warns)
	}
}

func TestUnknownFields(t *testing.T) {
	doc := `{
		"limit": 1, "limt": 2, "_rules_": [], "_match_route_": ["r"],
		"redis": {"service": "r", "pasword": "p", "_x": 1, "timeout": "1s"},
		"consumers": [{"name": "a", "credentail": "k"}, {"name": "b", "extra": {"deep": 1}}],
		"unread": {"inner": 1},
		"headers": {"x-any": "v"}
	}`
	_, errs, warns := read(t, doc, func(r *Reader) any {
		r.Int("limit", 0)
		r.Object("redis", func(o *Reader) {
			o.String("service", "")
			o.Secret("password", "")
			o.Has("timeout")
		})
		r.Array("consumers", func(i int, c *Reader) {
			c.String("name", "")
			c.Secret("credential", "")
		})
		r.StringMap("headers", nil)
		return nil
	})
	want := []string{
		"limt: unknown field",
		"unread: unknown field",
		`redis.pasword: unknown field; did you mean "password"?`,
		`consumers[0].credentail: unknown field; did you mean "credential"?`,
		`consumers[1].extra: unknown field`,
	}
	if errs != nil || !equal(warns, want) {
		t.Errorf("problems %q\nwarnings\n%s\nwant\n%s", errs, joinLines(warns), joinLines(want))
	}
}

func TestKeysAndHas(t *testing.T) {
	r, err := NewReader([]byte(`{"b":1,"a":null,"_c":2}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Keys(); !equal(got, []string{"b", "a", "_c"}) {
		t.Errorf("Keys = %q", got)
	}
	if !r.Has("b") || r.Has("a") || r.Has("zz") {
		t.Errorf("Has: b %v a %v zz %v", r.Has("b"), r.Has("a"), r.Has("zz"))
	}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("keys asked with Has reported unknown: %v", w)
	}
}

func TestErrors(t *testing.T) {
	r, _ := NewReader([]byte(`{}`))
	if r.Err() != nil {
		t.Fatalf("Err of a clean read = %v", r.Err())
	}
	for i := 0; i < 12; i++ {
		r.Failf("k", "p%d", i)
	}
	err := r.Err()
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 12 || errs[3] != (Problem{Path: "k", Reason: "p3"}) {
		t.Fatalf("errors.As: %#v", errs)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "k: p0; k: p1; ") || !strings.HasSuffix(msg, "k: p9; and 2 more") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestNewReaderAt(t *testing.T) {
	r, err := NewReaderAt([]byte(`{"limit":"x","a":{"b":1}}`), "_rules_[1]")
	if err != nil {
		t.Fatal(err)
	}
	r.Int("limit", 0)
	if got := problemStrings(t, r.Err()); !equal(got, []string{"_rules_[1].limit: want an integer, got string"}) {
		t.Errorf("problems %q", got)
	}
	if got := strs(r.Warnings()); !equal(got, []string{"_rules_[1].a: unknown field"}) {
		t.Errorf("warnings %q", got)
	}
	_, err = NewReaderAt([]byte(`{"a":[1,}`), "_rules_[1]")
	if got := problemStrings(t, err); !equal(got, []string{"_rules_[1].a[1]: invalid JSON at line 1, column 9: unexpected character '}', want a value"}) {
		t.Errorf("syntax error %q", got)
	}
	_, err = NewReaderAt([]byte(`[]`), "_rules_[1]")
	if got := problemStrings(t, err); !equal(got, []string{"_rules_[1]: want a JSON object, got array"}) {
		t.Errorf("non-object %q", got)
	}
}
