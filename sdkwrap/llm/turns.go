package llm

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
