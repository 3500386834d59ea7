package llm

import "github.com/tidwall/gjson"

// turnWriter writes the conversation of Anthropic and Gemini, which both want turns that
// alternate between two roles: {"role":R,"<field>":[blocks...]}. Consecutive messages that
// map to the same role become one turn, and a message that produces no block (an empty
// string, say) produces no turn, so it cannot break the alternation either.
type turnWriter struct {
	w     *jsonWriter
	field string // "content" (Anthropic) or "parts" (Gemini)
	role  string // role of the open turn; "" when none is open
	turns int
}

// block prepares for the next block of role: it continues the open turn or starts a new one.
// The caller then writes the block as one JSON value.
func (t *turnWriter) block(role string) {
	if t.role == role {
		return
	}
	t.finish()
	t.w.open('{')
	t.w.keyStr("role", role)
	t.w.keyOpen(t.field, '[')
	t.role = role
	t.turns++
}

// finish closes the open turn, if any.
func (t *turnWriter) finish() {
	if t.role != "" {
		t.w.close(']')
		t.w.close('}')
		t.role = ""
	}
}

// conversationWriter writes one provider's turns from OpenAI's user, assistant and tool
// messages (i: the message's index, for errors).
type conversationWriter interface {
	writer() *turnWriter
	user(i int, content gjson.Result) error
	assistant(i int, m openAIMessage) error
	toolResult(i int, m openAIMessage) error
}

// writeConversation writes messages as the array key of turns, through cw, and returns the
// contents of the system and developer messages with their indexes: each provider puts them
// in a field of its own.
func writeConversation(w *jsonWriter, key string, messages gjson.Result, cw conversationWriter) (systems []gjson.Result, at []int, err error) {
	w.keyOpen(key, '[')
	i := 0
	messages.ForEach(func(_, raw gjson.Result) bool {
		var m openAIMessage
		if m, err = readOpenAIMessage(i, raw); err != nil {
			return false
		}
		switch m.role {
		case "system", "developer":
			systems = append(systems, m.content)
			at = append(at, i)
		case "user":
			err = cw.user(i, m.content)
		case "assistant":
			err = cw.assistant(i, m)
		case "tool":
			err = cw.toolResult(i, m)
		default:
			err = requestErr(msgPath(i, ".role"), "want system, developer, user, assistant or tool, not "+quote(m.role))
		}
		i++
		return err == nil
	})
	if err != nil {
		return nil, nil, err
	}
	t := cw.writer()
	t.finish()
	w.close(']')
	if t.turns == 0 {
		return nil, nil, requestErr("messages", "no user or assistant message to send")
	}
	return systems, at, nil
}
