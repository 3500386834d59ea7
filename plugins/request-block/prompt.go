package main

import (
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// With prompt_only, the body rules look only at the text a model reads, so that a blocked
// word in a field name, a model name, a tool schema or an image URL does not refuse the
// request. The text is found by shape, whatever the path or provider:
//
//	OpenAI chat       messages[].content: a string, or parts whose "text" is read
//	OpenAI completions, embeddings, Responses
//	                  prompt, input: a string, a list of strings, or Responses items with
//	                  content parts; instructions
//	Anthropic         system and messages[].content: strings or blocks with "text", and
//	                  tool_result blocks' own content
//	Gemini            contents[].parts[].text, systemInstruction.parts[].text
//
// Keys compare case-insensitively and every member is read, duplicates included: some
// parsers upstream take the last of two "messages", or accept "Messages" (Go's
// encoding/json), and the text they read must not escape the rules. JSON escapes are decoded
// before matching (pass\u0077ord is password), which matching the raw body does not do.
//
// The body is read once, by the scanner below, which also checks that it is valid JSON
// (RFC 8259). It does not use gjson: gjson reads a value several times over and decodes
// every string it hands out, and a Go loop over bytes is slow under Wasm; the scanner looks
// at strings eight bytes at a time and hands a prompt string over still encoded
// (matchJSON in match.go decodes only what it must). gjson is the reference it is fuzzed
// against (prompt_test.go).

// promptKeys are the top-level members whose text a model reads.
var promptKeys = []string{"messages", "prompt", "input", "instructions", "system", "contents", "systemInstruction", "system_instruction"}

const (
	// maxPromptDepth bounds how deep content blocks are followed (a tool_result inside a
	// message is 4 levels down); a body nested deeper is matched whole instead.
	maxPromptDepth = 8
	// maxNesting bounds the nesting of any JSON value; deeper bodies are matched whole.
	maxNesting = 256
)

// promptTexts calls fn with each prompt text of body, a JSON string's content still
// encoded (see jsontext.go), until fn returns false. It returns false when body is not a
// valid JSON object with at least one of promptKeys, or nests too deeply, unless fn
// returned false first; the caller then matches the whole body.
func promptTexts(body string, fn func(raw string) bool) bool {
	p := promptScanner{s: body, fn: fn}
	p.space()
	if p.i == len(p.s) || p.s[p.i] != '{' {
		return false
	}
	p.object(ctxTop, 0, 1)
	if p.stopped {
		return true
	}
	p.space()
	return !p.bad && p.i == len(p.s) && p.found
}

// What a value is to the prompt.
const (
	ctxSkip    = iota // nothing: validated only
	ctxTop            // the request object
	ctxContent        // text: a string, a list of strings and parts, or a part
	ctxItem           // an element of a content list
	ctxPart           // an object with "text", "content", "parts"
	ctxText           // a part's "text": read if it is a string
)

type promptScanner struct {
	s       string
	i       int
	fn      func(string) bool
	found   bool // a prompt key was seen
	bad     bool // not valid JSON, or too deep: stop, match the whole body
	stopped bool // fn returned false
}

func (p *promptScanner) done() bool { return p.bad || p.stopped }

func (p *promptScanner) fail() { p.bad = true }

func (p *promptScanner) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value reads one value at p.i; ctx says what it is to the prompt, depth how deep in
// content it is, nesting how deep in JSON.
func (p *promptScanner) value(ctx, depth, nesting int) {
	if nesting > maxNesting || ctx == ctxContent && depth > maxPromptDepth {
		p.fail()
		return
	}
	if p.i == len(p.s) {
		p.fail()
		return
	}
	switch c := p.s[p.i]; {
	case c == '"':
		raw, ok := p.str()
		if !ok {
			return
		}
		if (ctx == ctxContent || ctx == ctxItem || ctx == ctxText) && raw != "" && !p.fn(raw) {
			p.stopped = true
		}
	case c == '{':
		switch ctx {
		case ctxContent, ctxItem:
			p.object(ctxPart, depth+1, nesting+1)
		default:
			p.object(ctxSkip, depth, nesting+1)
		}
	case c == '[':
		if ctx == ctxContent {
			p.array(ctxItem, depth, nesting+1)
		} else {
			p.array(ctxSkip, depth, nesting+1)
		}
	case c == '-' || '0' <= c && c <= '9':
		p.number()
	case c == 't':
		p.literal("true")
	case c == 'f':
		p.literal("false")
	case c == 'n':
		p.literal("null")
	default:
		p.fail()
	}
}

// object reads an object at p.i; ctx is ctxTop, ctxPart or ctxSkip.
func (p *promptScanner) object(ctx, depth, nesting int) {
	p.i++ // {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return
	}
	for !p.done() {
		p.space()
		if p.i == len(p.s) || p.s[p.i] != '"' {
			p.fail()
			return
		}
		key, ok := p.str()
		if !ok {
			return
		}
		p.space()
		if p.i == len(p.s) || p.s[p.i] != ':' {
			p.fail()
			return
		}
		p.i++
		p.space()
		p.value(p.memberContext(ctx, key), depth, nesting)
		if !p.another('}') {
			return
		}
	}
}

// memberContext is what the member key of an object in context ctx is to the prompt.
func (p *promptScanner) memberContext(ctx int, key string) int {
	if ctx == ctxSkip {
		return ctxSkip
	}
	name, ok := decodeKey(key)
	if !ok {
		return ctxSkip
	}
	switch ctx {
	case ctxTop:
		for _, k := range promptKeys {
			if strings.EqualFold(name, k) {
				p.found = true
				return ctxContent
			}
		}
	case ctxPart:
		switch {
		case strings.EqualFold(name, "text"):
			return ctxText
		case strings.EqualFold(name, "content"), strings.EqualFold(name, "parts"):
			return ctxContent
		}
	}
	return ctxSkip
}

// array reads an array at p.i, each element in context ctx.
func (p *promptScanner) array(ctx, depth, nesting int) {
	p.i++ // [
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return
	}
	for !p.done() {
		p.space()
		p.value(ctx, depth, nesting)
		if !p.another(']') {
			return
		}
	}
}

// another reads what follows an object member or array element: true after a comma (another
// one comes), false after the closing bracket, or when the scan has stopped or failed.
func (p *promptScanner) another(closer byte) bool {
	if p.done() {
		return false
	}
	p.space()
	switch {
	case p.i == len(p.s):
		p.fail()
		return false
	case p.s[p.i] == ',':
		p.i++
		return true
	case p.s[p.i] == closer:
		p.i++
		return false
	}
	p.fail()
	return false
}

// str reads a string at p.i (its opening quote) and returns its content, still encoded.
// Eight bytes at a time it looks for the closing quote, a backslash or a control
// character (invalid in a string).
func (p *promptScanner) str() (string, bool) {
	s, n := p.s, len(p.s)
	begin := p.i + 1
	i := begin
	base := unsafe.Pointer(unsafe.StringData(s))
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for {
	find:
		for i+8 <= n {
			// A high bit per byte that is a quote, a backslash or below 0x20; the lowest
			// is exact (the ones above it may be false).
			x := *(*uint64)(unsafe.Add(base, i))
			q := x ^ ones*'"'
			b := x ^ ones*'\\'
			if m := ((q-ones)&^q | (b-ones)&^b | (x-ones*0x20)&^x) & highs; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break find
			}
			i += 8
		}
		for i < n && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20 {
			i++
		}
		if i == n || s[i] < 0x20 {
			p.fail()
			return "", false
		}
		if s[i] == '"' {
			p.i = i + 1
			return s[begin:i], true
		}
		// An escape: \" \\ \/ \b \f \n \r \t or \u and four hex digits.
		if i+1 == n {
			p.fail()
			return "", false
		}
		switch s[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+6 > n || hexValue(s[i+2:i+6]) < 0 {
				p.fail()
				return "", false
			}
			i += 6
		default:
			p.fail()
			return "", false
		}
	}
}

// number reads a number at p.i: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (p *promptScanner) number() {
	s, i := p.s, p.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		p.fail()
		return
	}
	if i < len(s) && s[i] == '.' {
		if j := digits(s, i+1); j > i+1 {
			i = j
		} else {
			p.fail()
			return
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if j := digits(s, i); j > i {
			i = j
		} else {
			p.fail()
			return
		}
	}
	p.i = i
}

func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

func (p *promptScanner) literal(word string) {
	if !strings.HasPrefix(p.s[p.i:], word) {
		p.fail()
		return
	}
	p.i += len(word)
}

// decodeKey decodes a member key (escapes are rare there) if it is short enough to be
// one of the keys the scanner looks for.
func decodeKey(raw string) (string, bool) {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw, true
	}
	const longest = 32
	var buf [longest + 4]byte
	out := buf[:0]
	for k := 0; k < len(raw); {
		r, n := nextJSONRune(raw[k:])
		out = utf8.AppendRune(out, r)
		k += n
		if len(out) > longest {
			return "", false
		}
	}
	return string(out), true
}
