package llm

import "github.com/tidwall/gjson"

// Helpers for the fields every translated answer has.

// upstreamObject checks that a provider's body is a JSON object.
func upstreamObject(body []byte) (gjson.Result, error) {
	if !validJSONBytes(body) {
		return gjson.Result{}, upstreamErr("", "not valid JSON")
	}
	doc := gjson.ParseBytes(body)
	if !doc.IsObject() {
		return gjson.Result{}, upstreamErr("", "want a JSON object")
	}
	return doc, nil
}

// writeStringOr writes key with v if it is a string, else with def.
func writeStringOr(w *jsonWriter, key string, v gjson.Result, def string) {
	if v.Type == gjson.String {
		w.keyRaw(key, v.Raw)
	} else {
		w.keyStr(key, def)
	}
}

// writeJoinedText writes "content": the text of the text blocks joined, or null when there is
// none.
func writeJoinedText(w *jsonWriter, blocks []gjson.Result) {
	w.key("content")
	n := 0
	for _, b := range blocks {
		if b.Get("type").Str != "text" {
			continue
		}
		text := b.Get("text")
		if text.Type != gjson.String {
			continue
		}
		if n == 0 {
			w.comma()
			w.b = append(w.b, '"')
		}
		n++
		w.b = appendEscaped(w.b, text.Str)
	}
	if n == 0 {
		w.null()
		return
	}
	w.b = append(w.b, '"')
	w.more = true
}

// writeOpenAIToolCall writes one entry of tool_calls; id and name are JSON strings, args the
// arguments JSON, which becomes a string.
func writeOpenAIToolCall(w *jsonWriter, id, name, args string) {
	w.open('{')
	w.keyRaw("id", id)
	w.keyStr("type", "function")
	w.keyOpen("function", '{')
	w.keyRaw("name", name)
	w.keyStr("arguments", args)
	w.close('}')
	w.close('}')
}

// modelJSON is the model to report, as a JSON string: the caller's, else the upstream's.
func modelJSON(override string, upstream gjson.Result) string {
	switch {
	case override != "":
		return quote(override)
	case upstream.Type == gjson.String:
		return upstream.Raw
	}
	return `""`
}
