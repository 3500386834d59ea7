package main

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/tidwall/gjson"
)

// BodyField is one top-level member of options (forced into every request body) or
// defaults (filled only where the body lacks it), e.g. max_tokens: 50.
type BodyField struct {
	Name string // the body key
	Path string // Name escaped for gjson and sjson paths ("a.b" is `a\.b`)
	JSON string // the value as compact JSON, for sjson.SetRaw
}

// readBodyFields reads options or defaults at key: an object of any JSON values, kept in
// document order. The usual OpenAI parameters are checked for type and range, so that
// "max_tokens": "50" is refused here rather than by the provider on every request.
func (p *parser) readBodyFields(r *config.Reader, key string) []BodyField {
	raw := p.raw.field(r, key)
	var fields []BodyField
	r.Object(key, func(o *config.Reader) {
		for _, name := range o.Keys() {
			checkBodyField(o, name)
			v := member(raw, name)
			if !v.Exists() {
				p.failAt(config.JoinKey(o.Path(), name), "internal error: not found in the raw configuration")
				continue
			}
			if v.Type == gjson.Null {
				continue // null is "not set", as everywhere in the configuration
			}
			if name == "" {
				p.failAt(config.JoinKey(o.Path(), name), "an empty name is not a body field")
				continue
			}
			fields = append(fields, BodyField{Name: name, Path: escapePath(name), JSON: compactJSON(v)})
		}
	})
	return fields
}

// checkBodyField checks the fields whose type and range OpenAI's API fixes; any other is
// only marked as read (the provider may know fields we do not).
func checkBodyField(o *config.Reader, name string) {
	switch name {
	case "model":
		o.String(name, "", config.NonEmpty())
	case "max_tokens", "max_completion_tokens", "n":
		o.Int(name, 0, config.Min(1))
	case "temperature":
		o.Float(name, 0, config.Min(0), config.Max(2))
	case "top_p":
		o.Float(name, 0, config.Min(0), config.Max(1))
	case "stream":
		o.Bool(name, false)
	default:
		o.Has(name)
	}
}

// escapePath escapes the characters gjson and sjson read as path syntax.
func escapePath(name string) string {
	if !strings.ContainsAny(name, `\.*?|#@:!=<>%`) {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if strings.IndexByte(`\.*?|#@:!=<>%`, name[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

// fieldString is a field's value when it is a JSON string, "" otherwise.
func fieldString(fields []BodyField, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return gjson.Parse(f.JSON).Str
		}
	}
	return ""
}
