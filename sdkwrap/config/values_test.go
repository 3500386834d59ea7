package config

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	tests := []struct {
		lit    string
		opts   []Option
		want   int
		reason string
	}{
		{lit: `0`, want: 0},
		{lit: `-0`, want: 0},
		{lit: `12`, want: 12},
		{lit: `-12`, want: -12},
		{lit: `12.000`, want: 12},
		{lit: `1.5e1`, want: 15},
		{lit: `100e-2`, want: 1},
		{lit: `1E3`, want: 1000},
		{lit: `0e99999999999999999999`, want: 0},
		{lit: `9223372036854775807`, want: math.MaxInt64},
		{lit: `-9223372036854775808`, want: math.MinInt64},
		{lit: `922337203685477580.7e1`, want: math.MaxInt64},
		{lit: `1.5`, reason: "want an integer, got 1.5"},
		{lit: `-0.1`, reason: "want an integer, got -0.1"},
		{lit: `1e-400`, reason: "want an integer, got 1e-400"},
		{lit: `12.0001`, reason: "want an integer, got 12.0001"},
		{lit: `9223372036854775808`, reason: "9223372036854775808 is out of range for an integer"},
		{lit: `-9223372036854775809`, reason: "-9223372036854775809 is out of range for an integer"},
		{lit: `1e19`, reason: "1e19 is out of range for an integer"},
		{lit: `1e400`, reason: "1e400 is out of range for an integer"},
		{lit: `1e99999999999999999999`, reason: "1e99999999999999999999 is out of range for an integer"},
		{lit: strings.Repeat("9", 500), reason: strings.Repeat("9", 40) + "... is out of range for an integer"},
		{lit: `5`, opts: []Option{Min(1), Max(5)}, want: 5},
		{lit: `0`, opts: []Option{Min(1)}, reason: "must be at least 1, got 0"},
		{lit: `6`, opts: []Option{Max(int64(5))}, reason: "must be at most 5, got 6"},
	}
	for _, tt := range tests {
		got, errs, _ := read(t, `{"n":`+tt.lit+`}`, func(r *Reader) any { return r.Int("n", -7, tt.opts...) })
		want, wantErrs := any(tt.want), []string(nil)
		if tt.reason != "" {
			want, wantErrs = -7, []string{"n: " + tt.reason}
		}
		if !equal(got, want) || !equal(errs, wantErrs) {
			t.Errorf("Int(%.50s) = %v, %q; want %v, %q", tt.lit, got, errs, want, wantErrs)
		}
	}
}

func TestFloat(t *testing.T) {
	tests := []struct {
		lit    string
		opts   []Option
		want   float64
		reason string
	}{
		{lit: `1.25`, want: 1.25},
		{lit: `-1e300`, want: -1e300},
		{lit: `1e-400`, want: 0},
		{lit: `1e400`, reason: "1e400 is out of range for a number"},
		{lit: `-1e400`, reason: "-1e400 is out of range for a number"},
		{lit: `0.5`, opts: []Option{Min(0), Max(1)}, want: 0.5},
		{lit: `0.5`, opts: []Option{Min(0.75)}, reason: "must be at least 0.75, got 0.5"},
		{lit: `2`, opts: []Option{Max(int64(1))}, reason: "must be at most 1, got 2"},
	}
	for _, tt := range tests {
		got, errs, _ := read(t, `{"n":`+tt.lit+`}`, func(r *Reader) any { return r.Float("n", -7, tt.opts...) })
		want, wantErrs := any(tt.want), []string(nil)
		if tt.reason != "" {
			want, wantErrs = -7.0, []string{"n: " + tt.reason}
		}
		if !equal(got, want) || !equal(errs, wantErrs) {
			t.Errorf("Float(%s) = %v, %q; want %v, %q", tt.lit, got, errs, want, wantErrs)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		lit    string
		opts   []Option
		want   time.Duration
		reason string
	}{
		{lit: `"1h2m3s"`, want: time.Hour + 2*time.Minute + 3*time.Second},
		{lit: `"1.5s"`, want: 1500 * time.Millisecond},
		{lit: `"60"`, reason: `invalid duration "60"; want a number with a unit, such as "300ms", "30s", "1m" or "1h"`},
		{lit: `"soon"`, reason: `invalid duration "soon"; want a number with a unit, such as "300ms", "30s", "1m" or "1h"`},
		{lit: `"99999999999h"`, reason: `invalid duration "99999999999h"; want a number with a unit, such as "300ms", "30s", "1m" or "1h"`},
		{lit: `"-1s"`, reason: "must not be negative, got -1s"},
		{lit: `60`, reason: `want a duration string such as "30s" or "1m", got number`},
		{lit: `"10s"`, opts: []Option{Min(time.Second), Max(time.Minute)}, want: 10 * time.Second},
		{lit: `"10ms"`, opts: []Option{Min(time.Second)}, reason: "must be at least 1s, got 10ms"},
		{lit: `"2m"`, opts: []Option{Max(time.Minute)}, reason: "must be at most 1m0s, got 2m0s"},
	}
	for _, tt := range tests {
		got, errs, _ := read(t, `{"d":`+tt.lit+`}`, func(r *Reader) any { return r.Duration("d", 7, tt.opts...) })
		want, wantErrs := any(tt.want), []string(nil)
		if tt.reason != "" {
			want, wantErrs = time.Duration(7), []string{"d: " + tt.reason}
		}
		if !equal(got, want) || !equal(errs, wantErrs) {
			t.Errorf("Duration(%s) = %v, %q; want %v, %q", tt.lit, got, errs, want, wantErrs)
		}
	}
}

func TestStringOptions(t *testing.T) {
	tests := []struct {
		doc  string
		call func(r *Reader) any
		want any
		errs []string
	}{
		{`{"s":""}`, func(r *Reader) any { return r.String("s", "d", NonEmpty()) }, "d", []string{"s: must not be empty"}},
		{`{"s":"x"}`, func(r *Reader) any { return r.String("s", "d", NonEmpty()) }, "x", nil},
		{`{"s":"redis"}`, func(r *Reader) any { return r.String("s", "d", OneOf("local", "redis")) }, "redis", nil},
		{`{"s":"Redis"}`, func(r *Reader) any { return r.String("s", "d", OneOf("local", "redis")) }, "d",
			[]string{`s: must be one of "local", "redis"; got "Redis"`}},
		{`{"s":"x"}`, func(r *Reader) any { return r.Enum("s", "a", "a", "b") }, "a", []string{`s: must be one of "a", "b"; got "x"`}},
		{`{"s":"x"}`, func(r *Reader) any { return r.Secret("s", "d", NonEmpty(), Required()) }, "x", nil},
		{`{"s":""}`, func(r *Reader) any { return r.Secret("s", "d", NonEmpty()) }, "d", []string{"s: must not be empty"}},
	}
	for _, tt := range tests {
		got, errs, _ := read(t, tt.doc, tt.call)
		if !equal(got, tt.want) || !equal(errs, tt.errs) {
			t.Errorf("%s: got %#v, %q; want %#v, %q", tt.doc, got, errs, tt.want, tt.errs)
		}
	}
}

func TestSchemaErrors(t *testing.T) {
	tests := []struct {
		call func(r *Reader) any
		want string
	}{
		{func(r *Reader) any { return r.String("s", "", Min(1)) }, "s: schema error: Min does not apply to a string"},
		{func(r *Reader) any { return r.Secret("s", "", OneOf("a")) }, "s: schema error: OneOf does not apply to a secret"},
		{func(r *Reader) any { return r.String("s", "", OneOf()) }, "s: schema error: OneOf needs at least one value"},
		{func(r *Reader) any { return r.Int("s", 0, Min(time.Second)) }, "s: schema error: Min of this type does not apply to an integer"},
		{func(r *Reader) any { return r.Int("s", 0, Max(0.5)) }, "s: schema error: Max of this type does not apply to an integer"},
		{func(r *Reader) any { return r.Duration("s", 0, Min(1)) }, "s: schema error: Min of this type does not apply to a duration"},
		{func(r *Reader) any { return r.Float("s", 0, Min(time.Second)) }, "s: schema error: Min of this type does not apply to a number"},
		{func(r *Reader) any { return r.Bool("s", false, NonEmpty()) }, "s: schema error: NonEmpty does not apply to a boolean"},
		{func(r *Reader) any { return r.Object("s", func(*Reader) {}, NonEmpty()) }, "s: schema error: NonEmpty does not apply to an object"},
		{func(r *Reader) any { return r.Array("s", func(int, *Reader) {}, OneOf("x")) }, "s: schema error: OneOf does not apply to a list"},
	}
	for _, tt := range tests {
		_, errs, _ := read(t, `{}`, tt.call)
		if len(errs) != 1 || errs[0] != tt.want {
			t.Errorf("problems %q, want %q", errs, tt.want)
		}
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		doc  string
		opts []Option
		want []string
		errs []string
	}{
		{`{"l":["a","b"]}`, []Option{NonEmpty(), OneOf("a", "b")}, []string{"a", "b"}, nil},
		{`{"l":[]}`, []Option{NonEmpty()}, []string{"d"}, []string{"l: must not be empty"}},
		{`{"l":["a",1,null,"c",{}]}`, nil, []string{"d"}, []string{
			"l[1]: want a string, got number", "l[2]: want a string, got null", "l[4]: want a string, got object"}},
		{`{"l":["a","z"]}`, []Option{OneOf("a")}, []string{"d"}, []string{`l[1]: must be one of "a"; got "z"`}},
	}
	for _, tt := range tests {
		got, errs, _ := read(t, tt.doc, func(r *Reader) any { return r.Strings("l", []string{"d"}, tt.opts...) })
		if !equal(got, tt.want) || !equal(errs, tt.errs) {
			t.Errorf("%s: got %q, %q; want %q, %q", tt.doc, got, errs, tt.want, tt.errs)
		}
	}
}

func TestStringMap(t *testing.T) {
	got, errs, warns := read(t, `{"m":{"a":"1","x.y":2,"ok":"3","":true}}`, func(r *Reader) any {
		return r.StringMap("m", nil)
	})
	want := []string{`m["x.y"]: want a string, got number`, `m[""]: want a string, got boolean`}
	if got.(map[string]string) != nil || !equal(errs, want) || warns != nil {
		t.Errorf("got %v, %q, warnings %q; want nil, %q", got, errs, warns, want)
	}
	_, errs, _ = read(t, `{"m":{}}`, func(r *Reader) any { return r.StringMap("m", nil, NonEmpty()) })
	if !equal(errs, []string{"m: must not be empty"}) {
		t.Errorf("NonEmpty: %q", errs)
	}
}

func TestArrayAndMapElements(t *testing.T) {
	var names []string
	_, errs, _ := read(t, `{"a":[{"n":"x"},"s",[],{"n":"y"}],"m":{"p":{"n":"z"},"q":1},"e":[]}`, func(r *Reader) any {
		r.Array("a", func(i int, e *Reader) { names = append(names, strconv.Itoa(i)+e.String("n", "")) })
		r.Map("m", func(name string, e *Reader) { names = append(names, name+e.String("n", "")) })
		r.Array("e", func(int, *Reader) {}, NonEmpty())
		return nil
	})
	want := []string{"a[1]: want an object, got string", "a[2]: want an object, got array", "m.q: want an object, got number", "e: must not be empty"}
	if !equal(errs, want) || !equal(names, []string{"0x", "3y", "pz"}) {
		t.Errorf("problems %q, names %q", errs, names)
	}
}

func TestSecretNeverShown(t *testing.T) {
	const secret = "hunter2-\u00e9"
	docs := []string{
		`{"k":"` + secret + `"}`,
		`{"k":["` + secret + `"]}`,
		`{"k":{"v":"` + secret + `"}}`,
		`{"k":12345678}`,
	}
	for _, doc := range docs {
		for _, opts := range [][]Option{nil, {NonEmpty()}, {Required()}} {
			_, errs, warns := read(t, doc, func(r *Reader) any { return r.Secret("k", "", opts...) })
			all := joinLines(errs) + joinLines(warns)
			if strings.Contains(all, "hunter2") || strings.Contains(all, "12345678") {
				t.Errorf("%s: a message shows the secret: %s", doc, all)
			}
		}
	}
	// Invalid UTF-8 inside a secret: the parse error names the place, not the bytes.
	msg := parseErr(t, []byte("{\"k\":\"hunter2\xff\"}"))
	if strings.Contains(msg, "hunter2") || !strings.HasPrefix(msg, "k: ") {
		t.Errorf("parse error %q", msg)
	}
}
