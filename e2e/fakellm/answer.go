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
	a := newAnswer(conversation{lastUser: prompt}, maxTokens)
	return a.text, a.truncated
}

// conversation is what the fake takes from a chat-style request, whatever its API.
type conversation struct {
	lastUser string   // text of the last user message: what the reply echoes
	texts    []string // every system and message text: what counts as prompt tokens
}

func (c conversation) promptTokens() int {
	n := 0
	for _, t := range c.texts {
		n += CountTokens(t)
	}
	return n
}

// answer is a reply ready to send, whole or one token per stream event.
type answer struct {
	text         string
	tokens       []string
	truncated    bool // cut by the request's max tokens: finish reason "length" and kin
	promptTokens int
}

func newAnswer(conv conversation, maxTokens int) answer {
	tokens := SplitTokens(Reply(conv.lastUser))
	truncated := maxTokens > 0 && len(tokens) > maxTokens
	if truncated {
		tokens = tokens[:maxTokens]
	}
	return answer{
		text:         strings.Join(tokens, ""),
		tokens:       tokens,
		truncated:    truncated,
		promptTokens: conv.promptTokens(),
	}
}

func (a answer) completionTokens() int { return len(a.tokens) }

// deterministicID derives a response id from the request body, so the same request
// always gets the same id.
func deterministicID(prefix string, body []byte) string {
	sum := sha256.Sum256(body)
	return prefix + hex.EncodeToString(sum[:12])
}
