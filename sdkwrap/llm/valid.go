package llm

import "github.com/tidwall/gjson"

// maxJSONDepth bounds the nesting of the JSON the translations read. gjson validates and
// reads JSON recursively, one stack frame per level: ten million '[' in a request body would
// overflow the goroutine stack, which is a fatal error, not a panic the plugin could recover
// from. Real requests nest a few dozen levels at most (tool schemas are the deepest).
const maxJSONDepth = 1000

// validJSON reports whether s is valid JSON nested at most maxJSONDepth levels.
func validJSON(s string) bool {
	return shallow(s) && gjson.Valid(s)
}

func validJSONBytes(b []byte) bool {
	return shallow(b) && gjson.ValidBytes(b)
}

// shallow checks the nesting depth of JSON text, without validating anything else.
func shallow[T string | []byte](s T) bool {
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
			if depth > maxJSONDepth {
				return false
			}
		case ']', '}':
			depth--
		}
	}
	return true
}
