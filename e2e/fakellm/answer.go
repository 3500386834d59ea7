package fakellm

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// ReplyPrefix starts every reply, so a reply is never empty and is easy to spot.
const ReplyPrefix = "Echo:"

// CountTokens is the fake's tokenizer: the number of whitespace-separated words in text.
// Prompt and completion token counts in every usage block are sums of it.
func CountTokens(text string) int {
	return len(strings.Fields(text))
}

// Reply is the fake's whole answer to a prompt (the text of the last user message):
// ReplyPrefix, then the prompt's words, all separated by single spaces. Reply("") is
// "Echo:".
func Reply(prompt string) string {
	return strings.Join(append([]string{ReplyPrefix}, strings.Fields(prompt)...), " ")
}

// SplitTokens cuts a reply into the deltas a stream sends, one token (word) each; every
// token after the first keeps its leading space, so the deltas concatenate back to
// the text (with its whitespace collapsed to single spaces).
func SplitTokens(text string) []string {
	words := strings.Fields(text)
	for i := 1; i < len(words); i++ {
		words[i] = " " + words[i]
	}
	return words
}

// Answer is Reply(prompt) cut to at most maxTokens tokens (no limit when maxTokens <= 0),
// and whether it was cut: the text a request with that prompt and max_tokens gets back.
func Answer(prompt string, maxTokens int) (text string, truncated bool) {
	a := newAnswer(conversation{lastUser: prompt, last: turnUser}, replyRules{maxTokens: maxTokens})
	return a.text, a.truncated
}

// JSONReply is the answer in JSON mode: {"echo":"<prompt>"}, compact, with the prompt's
// whitespace collapsed to single spaces as in Reply.
func JSONReply(prompt string) string {
	return string(mustJSON(struct {
		Echo string `json:"echo"`
	}{collapseSpace(prompt)}))
}

// turn is what the last message of a conversation is: it decides what kind of answer
// comes back.
type turn int

const (
	turnOther      turn = iota // no message, or an assistant message (a prefill): text as usual
	turnUser                   // the user's: a tool call when tools are declared, else text
	turnToolResult             // tool results: ToolResultReply of their text
)

// conversation is what the fake takes from a chat-style request, whatever its API.
type conversation struct {
	lastUser    string   // text of the last user message: what the reply echoes and a tool call asks
	texts       []string // every system, message and tool-result text: what counts as prompt tokens
	last        turn     // what the last message (system messages aside) is
	toolResults []string // text of each tool result in the last message, when it holds some
	toolCalls   int      // tool calls the assistant made earlier, so the next one gets a new id
}

func (c conversation) promptTokens() int {
	n := 0
	for _, t := range c.texts {
		n += CountTokens(t)
	}
	return n
}

// replyRules are the request's settings that shape the answer, read from each API's own
// fields.
type replyRules struct {
	maxTokens int      // cut the text to this many tokens; 0: no limit
	stop      []string // cut the text before the first of these it contains
	jsonMode  bool     // answer JSONReply instead of Reply
	tool      string   // call this tool when the user spoke last; "": answer text
}

// answer is a reply ready to send, whole or one token per stream event.
type answer struct {
	text         string    // "" for a tool call
	tokens       []string  // what a stream sends, one event each: words, or a tool call's argument fragments
	truncated    bool      // cut by the request's max tokens: finish reason "length" and kin
	stopSequence string    // the stop sequence the text was cut before; "" if none
	toolCall     *toolCall // the answer is this call instead of text
	promptTokens int
}

// newAnswer decides the answer: a tool call when a tool is to be called and the user
// spoke last, else the usual text cut at the first stop sequence, then at max tokens
// (whichever comes first wins the finish reason).
func newAnswer(conv conversation, rules replyRules) answer {
	a := answer{promptTokens: conv.promptTokens()}
	if rules.tool != "" && conv.last == turnUser {
		call := newToolCall(conv.toolCalls+1, rules.tool, conv.lastUser)
		a.toolCall = &call
		a.tokens = call.fragments
		return a
	}
	text, stopSeq := cutAtStop(usualReply(conv, rules.jsonMode), rules.stop)
	a.tokens = SplitTokens(text)
	a.stopSequence = stopSeq
	if rules.maxTokens > 0 && len(a.tokens) > rules.maxTokens {
		a.tokens = a.tokens[:rules.maxTokens]
		a.truncated = true
		a.stopSequence = "" // the limit came first
	}
	a.text = strings.Join(a.tokens, "")
	return a
}

// usualReply is the text answer before stop sequences and limits.
func usualReply(conv conversation, jsonMode bool) string {
	switch {
	case conv.last == turnToolResult:
		return ToolResultReply(strings.Join(conv.toolResults, " "))
	case jsonMode:
		return JSONReply(conv.lastUser)
	}
	return Reply(conv.lastUser)
}

func (a answer) completionTokens() int { return len(a.tokens) }

// collapseSpace joins the words of s with single spaces.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// deterministicID derives a response id from the request body, so the same request
// always gets the same id.
func deterministicID(prefix string, body []byte) string {
	sum := sha256.Sum256(body)
	return prefix + hex.EncodeToString(sum[:12])
}
