// Package jsonguard keeps JSON that plugins read from clients and providers from exhausting
// a VM. gjson validates and reads JSON recursively, one stack frame per level, and a Wasm
// VM's Go stack lives in its linear memory: a request body of a million '[' would grow that
// stack by hundreds of megabytes, or past Go's limit, which is a fatal error no plugin can
// recover from. Every plugin checks the nesting of untrusted JSON here before gjson walks it.
package jsonguard

import "github.com/tidwall/gjson"

// MaxDepth bounds the nesting of JSON the plugins read. Real requests nest a few dozen levels
// at most (tool schemas are the deepest).
const MaxDepth = 1000

// Valid reports whether s is valid JSON nested at most MaxDepth levels.
func Valid[T string | []byte](s T) bool {
	if !Shallow(s) {
		return false
	}
	switch v := any(s).(type) {
	case string:
		return gjson.Valid(v)
	case []byte:
		return gjson.ValidBytes(v)
	}
	return false
}

// Shallow reports whether JSON text nests at most MaxDepth levels, without validating
// anything else: one pass, no allocation, strings skipped.
func Shallow[T string | []byte](s T) bool {
	depth := 0
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > MaxDepth {
				return false
			}
		case ']', '}':
			depth--
		}
	}
	return true
}
