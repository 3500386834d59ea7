package llm

import (
	"strings"

	"github.com/tidwall/gjson"
)

// Gemini's function parameters and responseSchema are not JSON Schema but an OpenAPI 3.0
// subset, and Gemini refuses the keywords outside it ("additionalProperties", which OpenAI's
// strict mode requires, "$schema", "$defs"...). writeGeminiSchema rewrites a JSON Schema into
// that subset:
//
//   - type: names become Gemini's upper-case ones; a list such as ["string","null"] becomes
//     the first non-null type plus nullable: true.
//   - $ref to "#/$defs/..." or "#/definitions/..." is replaced by the definition (recursive
//     definitions are refused: Gemini schemas cannot refer to themselves).
//   - oneOf becomes anyOf; an allOf of one schema becomes an anyOf of it.
//   - const (a string) becomes a one-value enum; an enum that is not all strings is dropped,
//     since Gemini takes only string enums.
//   - format is kept only where Gemini accepts it (date-time and enum for strings, int32 and
//     int64 for integers, float and double for numbers).
//   - properties, items and anyOf are rewritten recursively; empty properties are left out.
//   - description, title, required, nullable, enum, the min/max bounds, pattern, default,
//     example and propertyOrdering are copied; every other keyword is dropped.
func writeGeminiSchema(w *jsonWriter, s gjson.Result, where string) error {
	sw := schemaWriter{w: w, root: s}
	return sw.schema(s, where, 0)
}

// maxSchemaDepth bounds nesting, which also stops $ref cycles.
const maxSchemaDepth = 32

type schemaWriter struct {
	w    *jsonWriter
	root gjson.Result
}

// schemaKeys are the keywords that need more than a copy.
type schemaKeys struct {
	ref, typ, nullable, enum, cnst, anyOf, oneOf, allOf, properties, items, format gjson.Result
}

func (sw *schemaWriter) schema(s gjson.Result, where string, depth int) error {
	w := sw.w
	if depth > maxSchemaDepth {
		return requestErr(where, "schema nested too deeply, or a $ref that refers to itself")
	}
	if s.Type == gjson.True {
		w.raw("{}") // accepts anything
		return nil
	}
	if !s.IsObject() {
		return requestErr(where, "want a JSON Schema object")
	}
	var k schemaKeys
	s.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "$ref":
			k.ref = v
		case "type":
			k.typ = v
		case "nullable":
			k.nullable = v
		case "enum":
			k.enum = v
		case "const":
			k.cnst = v
		case "anyOf":
			k.anyOf = v
		case "oneOf":
			k.oneOf = v
		case "allOf":
			k.allOf = v
		case "properties":
			k.properties = v
		case "items":
			k.items = v
		case "format":
			k.format = v
		}
		return true
	})
	if k.ref.Exists() {
		def, err := sw.resolve(k.ref, where)
		if err != nil {
			return err
		}
		return sw.schema(def, where, depth+1)
	}
	w.open('{')
	typ, err := sw.typ(k, where)
	if err != nil {
		return err
	}
	s.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "description", "title", "required", "pattern", "default", "example", "propertyOrdering",
			"minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum",
			"minProperties", "maxProperties":
			w.keyRaw(key.Str, v.Raw)
		}
		return true
	})
	if k.format.Type == gjson.String && formatAllowed(typ, k.format.Str) {
		w.keyRaw("format", k.format.Raw)
	}
	switch {
	case k.enum.IsArray() && allStrings(k.enum):
		w.keyRaw("enum", k.enum.Raw)
	case !k.enum.Exists() && k.cnst.Type == gjson.String:
		w.keyOpen("enum", '[')
		w.raw(k.cnst.Raw)
		w.close(']')
	}
	if err := sw.properties(k.properties, where, depth); err != nil {
		return err
	}
	if err := sw.items(k.items, where, depth); err != nil {
		return err
	}
	if err := sw.alternatives(k, where, depth); err != nil {
		return err
	}
	w.close('}')
	return nil
}

// typ writes type and nullable and returns the JSON Schema type name ("" if none).
func (sw *schemaWriter) typ(k schemaKeys, where string) (string, error) {
	w := sw.w
	typ, nullable := "", k.nullable.Type == gjson.True
	switch {
	case !k.typ.Exists():
	case k.typ.Type == gjson.String:
		typ = k.typ.Str
	case k.typ.IsArray():
		k.typ.ForEach(func(_, t gjson.Result) bool {
			if t.Str == "null" {
				nullable = true
			} else if typ == "" {
				typ = t.Str
			}
			return true
		})
		if typ == "" && nullable {
			typ = "null"
		}
	default:
		return "", requestErr(where+".type", "want a string or an array of strings")
	}
	if typ != "" {
		name, ok := geminiTypeName(typ)
		if !ok {
			return "", requestErr(where+".type", "unknown type "+quote(typ))
		}
		w.keyStr("type", name)
	}
	if nullable {
		w.keyRaw("nullable", "true")
	}
	return typ, nil
}

func geminiTypeName(t string) (string, bool) {
	switch t {
	case "string", "number", "integer", "boolean", "array", "object", "null":
		return strings.ToUpper(t), true
	}
	return "", false
}

func formatAllowed(typ, format string) bool {
	switch typ {
	case "string":
		return format == "date-time" || format == "enum"
	case "integer":
		return format == "int32" || format == "int64"
	case "number":
		return format == "float" || format == "double"
	}
	return false
}

func allStrings(list gjson.Result) bool {
	ok := true
	list.ForEach(func(_, v gjson.Result) bool {
		ok = v.Type == gjson.String
		return ok
	})
	return ok
}

func (sw *schemaWriter) properties(props gjson.Result, where string, depth int) error {
	if !props.Exists() {
		return nil
	}
	if !props.IsObject() {
		return requestErr(where+".properties", "want an object")
	}
	w := sw.w
	m := w.mark()
	w.keyOpen("properties", '{')
	var err error
	props.ForEach(func(name, v gjson.Result) bool {
		w.rawKey(name.Raw)
		err = sw.schema(v, where+".properties."+name.Str, depth+1)
		return err == nil
	})
	if err != nil {
		return err
	}
	if w.b[len(w.b)-1] == '{' {
		w.reset(m)
		return nil
	}
	w.close('}')
	return nil
}

func (sw *schemaWriter) items(items gjson.Result, where string, depth int) error {
	if !items.Exists() {
		return nil
	}
	if items.IsArray() { // the tuple form: Gemini has one schema for every item
		items = items.Get("0")
		if !items.Exists() {
			return nil
		}
	}
	sw.w.key("items")
	return sw.schema(items, where+".items", depth+1)
}

// alternatives writes anyOf, from anyOf, oneOf or a single-schema allOf.
func (sw *schemaWriter) alternatives(k schemaKeys, where string, depth int) error {
	list, name := k.anyOf, "anyOf"
	if !list.Exists() {
		list, name = k.oneOf, "oneOf"
	}
	if !list.Exists() && k.allOf.Exists() {
		if n := len(k.allOf.Array()); n != 1 {
			return requestErr(where+".allOf", "Gemini schemas cannot combine several schemas with allOf")
		}
		list, name = k.allOf, "allOf"
	}
	if !list.Exists() {
		return nil
	}
	if !list.IsArray() {
		return requestErr(where+"."+name, "want an array of schemas")
	}
	w := sw.w
	w.keyOpen("anyOf", '[')
	var err error
	j := 0
	list.ForEach(func(_, v gjson.Result) bool {
		err = sw.schema(v, at(where+"."+name, j), depth+1)
		j++
		return err == nil
	})
	w.close(']')
	return err
}

// resolve finds the definition a local $ref points to.
func (sw *schemaWriter) resolve(ref gjson.Result, where string) (gjson.Result, error) {
	for _, prefix := range [...]string{"#/$defs/", "#/definitions/"} {
		name, ok := strings.CutPrefix(ref.Str, prefix)
		if !ok {
			continue
		}
		var def gjson.Result
		sw.root.Get(strings.Trim(prefix[2:], "/")).ForEach(func(key, v gjson.Result) bool {
			if key.Str == name {
				def = v
				return false
			}
			return true
		})
		if def.Exists() {
			return def, nil
		}
	}
	return gjson.Result{}, requestErr(where+".$ref", "only references to #/$defs/... or #/definitions/... in the same schema can be resolved")
}
