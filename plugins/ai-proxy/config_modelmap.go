package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/tidwall/gjson"
)

// readModelMapping reads a model mapping at key: an object {pattern: target} (precedence by
// kind of pattern, see ModelMap) or, with allowList, a list [{from, to}] applied in order.
func (p *parser) readModelMapping(r *config.Reader, key string, allowList bool) *ModelMap {
	raw := p.raw.field(r, key)
	if !r.Has(key) {
		return nil
	}
	if raw.IsArray() && allowList {
		b := newModelMapBuilder(true)
		r.Array(key, func(_ int, e *config.Reader) {
			from := e.String("from", "", config.Required())
			to := e.String("to", "", config.Required())
			if e.Has("from") {
				if reason := b.add(from, to); reason != "" {
					e.Failf("from", "%s", reason)
				}
			}
		})
		return b.build()
	}
	if !raw.IsObject() && allowList {
		p.failAt(config.JoinKey(r.Path(), key), "want an object {pattern: model} or a list of {from, to}, got %s", jsonKind(raw))
		return nil
	}
	b := newModelMapBuilder(false)
	r.Object(key, func(o *config.Reader) {
		for _, pattern := range o.Keys() {
			target := o.String(pattern, "")
			if reason := b.add(pattern, target); reason != "" {
				p.failAt(config.JoinKey(o.Path(), pattern), "%s", reason) // Failf("") would name the object
			}
		}
	})
	return b.build()
}

// jsonKind names a raw value's JSON type as config's messages do.
func jsonKind(v gjson.Result) string {
	switch {
	case v.IsObject():
		return "object"
	case v.IsArray():
		return "array"
	case v.Type == gjson.String:
		return "string"
	case v.Type == gjson.Number:
		return "number"
	case v.Type == gjson.True, v.Type == gjson.False:
		return "boolean"
	}
	return "null"
}
