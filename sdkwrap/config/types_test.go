package config

import (
	"testing"
	"time"
)

// accessor is one Reader method under test: how to call it with a default, the JSON
// values of its own type with what it should read from each, and what its wrong-type
// message wants.
type accessor struct {
	name string
	call func(r *Reader, opts ...Option) any
	def  any
	good map[string]any // JSON value -> what the accessor returns
	want string         // "want <this>, got <kind>"
	kind string         // the JSON kind it takes
}

var accessors = []accessor{
	{
		name: "String", def: "dflt", want: "a string", kind: "string",
		call: func(r *Reader, o ...Option) any { return r.String("f", "dflt", o...) },
		good: map[string]any{`"x"`: "x", `""`: "", `"a\u00e9\n"`: "a\u00e9\n"},
	},
	{
		name: "Secret", def: "dflt", want: "a string", kind: "string",
		call: func(r *Reader, o ...Option) any { return r.Secret("f", "dflt", o...) },
		good: map[string]any{`"s3cr3t"`: "s3cr3t"},
	},
	{
		name: "Enum", def: "a", want: "a string", kind: "string",
		call: func(r *Reader, o ...Option) any { return r.Enum("f", "a", "a", "b") },
		good: map[string]any{`"b"`: "b"},
	},
	{
		name: "Int", def: 42, want: "an integer", kind: "number",
		call: func(r *Reader, o ...Option) any { return r.Int("f", 42, o...) },
		good: map[string]any{`7`: 7, `-3`: -3, `0`: 0, `1.0`: 1, `2e3`: 2000},
	},
	{
		name: "Float", def: 0.5, want: "a number", kind: "number",
		call: func(r *Reader, o ...Option) any { return r.Float("f", 0.5, o...) },
		good: map[string]any{`7`: 7.0, `-2.5`: -2.5, `1e-3`: 0.001},
	},
	{
		name: "Bool", def: true, want: "a boolean", kind: "boolean",
		call: func(r *Reader, o ...Option) any { return r.Bool("f", true, o...) },
		good: map[string]any{`false`: false, `true`: true},
	},
	{
		name: "Duration", def: time.Hour, want: `a duration string such as "30s" or "1m"`, kind: "string",
		call: func(r *Reader, o ...Option) any { return r.Duration("f", time.Hour, o...) },
		good: map[string]any{`"30s"`: 30 * time.Second, `"1m30s"`: 90 * time.Second, `"0"`: time.Duration(0), `"250ms"`: 250 * time.Millisecond},
	},
	{
		name: "Strings", def: []string{"d"}, want: "a list of strings", kind: "array",
		call: func(r *Reader, o ...Option) any { return r.Strings("f", []string{"d"}, o...) },
		good: map[string]any{`[]`: []string{}, `["a","b"]`: []string{"a", "b"}},
	},
	{
		name: "StringMap", def: map[string]string{"d": "d"}, want: "an object of strings", kind: "object",
		call: func(r *Reader, o ...Option) any { return r.StringMap("f", map[string]string{"d": "d"}, o...) },
		good: map[string]any{`{}`: map[string]string{}, `{"a":"1","b.c":"2"}`: map[string]string{"a": "1", "b.c": "2"}},
	},
	{
		name: "Object", def: "absent", want: "an object", kind: "object",
		call: func(r *Reader, o ...Option) any {
			got := "absent"
			r.Object("f", func(o *Reader) { got = o.String("x", "none") }, o...)
			return got
		},
		good: map[string]any{`{}`: "none", `{"x":"y"}`: "y"},
	},
	{
		name: "Array", def: "", want: "a list of objects", kind: "array",
		call: func(r *Reader, o ...Option) any {
			got := ""
			r.Array("f", func(i int, e *Reader) { got += e.String("x", "-") }, o...)
			return got
		},
		good: map[string]any{`[]`: "", `[{"x":"a"},{},{"x":"c"}]`: "a-c"},
	},
	{
		name: "Map", def: "", want: "an object", kind: "object",
		call: func(r *Reader, o ...Option) any {
			got := ""
			r.Map("f", func(name string, e *Reader) { got += name + "=" + e.String("x", "-") + ";" }, o...)
			return got
		},
		good: map[string]any{`{}`: "", `{"p":{"x":"a"},"q":{}}`: "p=a;q=-;"},
	},
}

// samples holds one JSON value of each kind.
var samples = map[string]string{
	"string":  `"x"`,
	"number":  `7`,
	"boolean": `true`,
	"array":   `[]`,
	"object":  `{}`,
}

func TestAccessorGoodValues(t *testing.T) {
	for _, a := range accessors {
		for doc, want := range a.good {
			got, errs, warns := read(t, `{"f":`+doc+`}`, func(r *Reader) any { return a.call(r) })
			if errs != nil || !equal(got, want) {
				t.Errorf("%s(%s) = %#v, problems %v; want %#v", a.name, doc, got, errs, want)
			}
			if warns != nil {
				t.Errorf("%s(%s): warnings %v", a.name, doc, warns)
			}
		}
	}
}

func TestAccessorWrongTypes(t *testing.T) {
	for _, a := range accessors {
		for kind, doc := range samples {
			if kind == a.kind {
				continue
			}
			got, errs, _ := read(t, `{"f":`+doc+`}`, func(r *Reader) any { return a.call(r) })
			want := "f: want " + a.want + ", got " + kind
			if len(errs) != 1 || errs[0] != want {
				t.Errorf("%s on %s: problems %q, want %q", a.name, kind, errs, want)
			}
			if !equal(got, a.def) {
				t.Errorf("%s on %s = %#v, want the default %#v", a.name, kind, got, a.def)
			}
		}
	}
}

func TestAccessorAbsentAndNull(t *testing.T) {
	for _, a := range accessors {
		for _, doc := range []string{`{}`, `{"f":null}`} {
			got, errs, warns := read(t, doc, func(r *Reader) any { return a.call(r) })
			if errs != nil || warns != nil || !equal(got, a.def) {
				t.Errorf("%s on %s = %#v, problems %v, warnings %v; want the default %#v", a.name, doc, got, errs, warns, a.def)
			}
			if a.name == "Enum" {
				continue // takes no options
			}
			got, errs, _ = read(t, doc, func(r *Reader) any { return a.call(r, Required()) })
			if len(errs) != 1 || errs[0] != "f: missing required field" || !equal(got, a.def) {
				t.Errorf("%s on %s with Required = %#v, problems %q", a.name, doc, got, errs)
			}
		}
	}
}
