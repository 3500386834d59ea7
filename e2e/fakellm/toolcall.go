package fakellm

import (
	"fmt"
	"strings"
	"unicode"
)

// ToolResultPrefix starts the answer to a tool result.
const ToolResultPrefix = "Tool said:"

// ToolResultReply is the answer when the last message holds tool results: ToolResultPrefix
// and the results' text, whitespace collapsed to single spaces as in Reply.
func ToolResultReply(result string) string {
	return collapseSpace(ToolResultPrefix + " " + result)
}

// ToolArguments is the arguments of every tool call the fake makes, as compact JSON:
// {"query":"<prompt>"}, the prompt (the last user message's text) kept exactly.
func ToolArguments(prompt string) string {
	return string(mustJSON(struct {
		Query string `json:"query"`
	}{prompt}))
}

// toolCall is the fake's answer when it calls a tool.
type toolCall struct {
	n         int    // 1 + the calls earlier in the conversation: ids stay unique within it
	name      string // the tool called
	arguments string // ToolArguments of the prompt
	fragments []string
}

func newToolCall(n int, name, prompt string) toolCall {
	args := ToolArguments(prompt)
	return toolCall{n: n, name: name, arguments: args, fragments: splitArguments(args)}
}

func (t toolCall) openAIID() string    { return fmt.Sprintf("call_fake_%d", t.n) }
func (t toolCall) anthropicID() string { return fmt.Sprintf("toolu_fake_%d", t.n) }

// argumentsKey opens every arguments object; a stream sends it as its own fragment.
const argumentsKey = `{"query":`

// splitArguments cuts the arguments JSON into what a stream sends: the opening key, then
// the rest cut before each run of whitespace. There are always at least two fragments,
// and they concatenate back to the arguments byte for byte.
func splitArguments(args string) []string {
	rest, ok := strings.CutPrefix(args, argumentsKey)
	if !ok { // cannot happen with ToolArguments; keep the text whole rather than lose it
		return []string{args}
	}
	fragments := []string{argumentsKey}
	start := 0
	prevSpace := false
	for i, r := range rest {
		space := unicode.IsSpace(r)
		if space && !prevSpace && i > start {
			fragments = append(fragments, rest[start:i])
			start = i
		}
		prevSpace = space
	}
	return append(fragments, rest[start:])
}
