package llm

import (
	"math"

	"github.com/tidwall/gjson"
)

// openAIRequest holds the fields of a chat completion request the translations read, found in
// one pass over the body. Fields that are absent are zero Results (Exists() false); an
// explicit null is treated as absent.
type openAIRequest struct {
	model, messages                      gjson.Result
	maxTokens, maxCompletionTokens       gjson.Result
	temperature, topP, stop, n, seed     gjson.Result
	presencePenalty, frequencyPenalty    gjson.Result
	stream, user                         gjson.Result
	tools, toolChoice, parallelToolCalls gjson.Result
	responseFormat                       gjson.Result
}

// readOpenAIRequest checks that body is a JSON object and picks its known fields; others are
// dropped by the translations (see the README for the list).
func readOpenAIRequest(body []byte) (openAIRequest, error) {
	var r openAIRequest
	if !validJSONBytes(body) {
		return r, requestErr("", "the request body is not valid JSON")
	}
	doc := gjson.ParseBytes(body)
	if !doc.IsObject() {
		return r, requestErr("", "the request body must be a JSON object")
	}
	doc.ForEach(func(key, value gjson.Result) bool {
		if value.Type == gjson.Null {
			return true
		}
		switch key.Str {
		case "model":
			r.model = value
		case "messages":
			r.messages = value
		case "max_tokens":
			r.maxTokens = value
		case "max_completion_tokens":
			r.maxCompletionTokens = value
		case "temperature":
			r.temperature = value
		case "top_p":
			r.topP = value
		case "stop":
			r.stop = value
		case "n":
			r.n = value
		case "seed":
			r.seed = value
		case "presence_penalty":
			r.presencePenalty = value
		case "frequency_penalty":
			r.frequencyPenalty = value
		case "stream":
			r.stream = value
		case "user":
			r.user = value
		case "tools":
			r.tools = value
		case "tool_choice":
			r.toolChoice = value
		case "parallel_tool_calls":
			r.parallelToolCalls = value
		case "response_format":
			r.responseFormat = value
		}
		return true
	})
	if r.model.Exists() && r.model.Type != gjson.String {
		return r, requestErr("model", "want a string")
	}
	if !r.messages.IsArray() {
		return r, requestErr("messages", "want an array of messages")
	}
	return r, nil
}

// outputLimit is max_completion_tokens, else max_tokens; ok is false when neither is set.
func (r *openAIRequest) outputLimit() (n int64, ok bool, err error) {
	field, v := "max_completion_tokens", r.maxCompletionTokens
	if !v.Exists() {
		field, v = "max_tokens", r.maxTokens
	}
	if !v.Exists() {
		return 0, false, nil
	}
	n, ok = positiveInt(v)
	if !ok {
		return 0, false, requestErr(field, "want a positive integer")
	}
	return n, true, nil
}

// streaming reports "stream": true.
func (r *openAIRequest) streaming() (bool, error) {
	switch r.stream.Type {
	case gjson.True:
		return true, nil
	case gjson.False, gjson.Null:
		return false, nil
	}
	return false, requestErr("stream", "want true or false")
}

// choices is n, 1 when absent.
func (r *openAIRequest) choices() (int64, error) {
	if !r.n.Exists() {
		return 1, nil
	}
	n, ok := positiveInt(r.n)
	if !ok {
		return 0, requestErr("n", "want a positive integer")
	}
	return n, nil
}

// positiveInt reads a JSON number that is a whole number from 1 to 2^31-1.
func positiveInt(v gjson.Result) (int64, bool) {
	if v.Type != gjson.Number || v.Num < 1 || v.Num > math.MaxInt32 || v.Num != math.Trunc(v.Num) {
		return 0, false
	}
	return int64(v.Num), true
}

// number checks an optional numeric parameter and returns its JSON text.
func number(field string, v gjson.Result) (string, bool, error) {
	if !v.Exists() {
		return "", false, nil
	}
	if v.Type != gjson.Number {
		return "", false, requestErr(field, "want a number")
	}
	return v.Raw, true, nil
}

// writeStop writes stop (a string or an array of strings) as an array of strings under key.
func writeStop(w *jsonWriter, key string, stop gjson.Result) error {
	switch {
	case !stop.Exists():
		return nil
	case stop.Type == gjson.String:
		w.keyOpen(key, '[')
		w.raw(stop.Raw)
		w.close(']')
		return nil
	case stop.IsArray():
		var err error
		w.keyOpen(key, '[')
		stop.ForEach(func(_, s gjson.Result) bool {
			if s.Type != gjson.String {
				err = requestErr("stop", "want a string or an array of strings")
				return false
			}
			w.raw(s.Raw)
			return true
		})
		w.close(']')
		return err
	}
	return requestErr("stop", "want a string or an array of strings")
}

// openAIMessage is one entry of messages, its fields found in one pass.
type openAIMessage struct {
	role                           string
	content, toolCalls, toolCallID gjson.Result
	name                           gjson.Result
}

func readOpenAIMessage(i int, m gjson.Result) (openAIMessage, error) {
	var msg openAIMessage
	if !m.IsObject() {
		return msg, requestErr(msgPath(i, ""), "want a message object")
	}
	var role gjson.Result
	m.ForEach(func(key, value gjson.Result) bool {
		switch key.Str {
		case "role":
			role = value
		case "content":
			msg.content = value
		case "tool_calls":
			msg.toolCalls = value
		case "tool_call_id":
			msg.toolCallID = value
		case "name":
			msg.name = value
		}
		return true
	})
	if role.Type != gjson.String {
		return msg, requestErr(msgPath(i, ".role"), "want a string")
	}
	msg.role = role.Str
	return msg, nil
}
