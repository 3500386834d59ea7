package fakellm

import (
	"encoding/json"
	"strings"
)

// contentText reads message content the way OpenAI and Anthropic both write it: a string,
// or an array of typed parts whose "text" parts are joined by spaces (other parts, such as
// images or tool results, carry no text). Absent or null is "". ok is false for anything
// else.
func contentText(raw json.RawMessage) (text string, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", false
	}
	var texts []string
	for _, p := range parts {
		if p.Type == "text" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, " "), true
}

// stringOrStrings reads OpenAI's "a string or a non-empty array of strings" (prompt,
// input).
func stringOrStrings(raw json.RawMessage) ([]string, bool) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, true
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err == nil && len(many) > 0 {
		return many, true
	}
	return nil, false
}

// optionalStrings reads a field that is absent, null, a string or an array of strings.
func optionalStrings(raw json.RawMessage) ([]string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many, true
	}
	return nil, false
}
