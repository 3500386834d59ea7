package llm

import "github.com/tidwall/gjson"

// The messages of an Anthropic request, as OpenAI messages.

// openAISystem writes the system prompt as the first message.
func openAISystem(w *jsonWriter, system gjson.Result) error {
	switch {
	case !system.Exists():
		return nil
	case system.Type == gjson.String:
		if system.Str != "" {
			w.open('{')
			w.keyStr("role", "system")
			w.keyRaw("content", system.Raw)
			w.close('}')
		}
		return nil
	case !system.IsArray():
		return requestErr("system", "want a string or an array of text blocks")
	}
	var err error
	j := 0
	m := w.mark()
	w.open('{')
	w.keyStr("role", "system")
	w.keyOpen("content", '[')
	start := w.mark()
	system.ForEach(func(_, b gjson.Result) bool {
		text := b.Get("text")
		if b.Get("type").Str != "text" || text.Type != gjson.String {
			err = requestErr(at("system", j), "want a text block")
			return false
		}
		if text.Str != "" {
			openAITextPart(w, text)
		}
		j++
		return true
	})
	if err != nil {
		return err
	}
	if !w.since(start) {
		w.reset(m)
		return nil
	}
	w.close(']')
	w.close('}')
	return nil
}

func openAITextPart(w *jsonWriter, text gjson.Result) {
	w.open('{')
	w.keyStr("type", "text")
	w.keyRaw("text", text.Raw)
	w.close('}')
}

// openAIMessageFromAnthropic writes one Anthropic message as one or more OpenAI messages.
func openAIMessageFromAnthropic(w *jsonWriter, i int, m gjson.Result) error {
	role, content := m.Get("role"), m.Get("content")
	if role.Type != gjson.String || (role.Str != "user" && role.Str != "assistant") {
		return requestErr(msgPath(i, ".role"), "want user or assistant")
	}
	switch {
	case content.Type == gjson.String:
		w.open('{')
		w.keyRaw("role", role.Raw)
		w.keyRaw("content", content.Raw)
		w.close('}')
		return nil
	case !content.IsArray():
		return requestErr(msgPath(i, ".content"), "want a string or an array of content blocks")
	}
	blocks := content.Array()
	for j, b := range blocks {
		if !b.IsObject() || b.Get("type").Type != gjson.String {
			return requestErr(partPath(i, "content", j, ""), "want a content block with a type")
		}
	}
	if role.Str == "assistant" {
		return openAIAssistantFromAnthropic(w, i, blocks)
	}
	return openAIUserFromAnthropic(w, i, blocks)
}

// openAIUserFromAnthropic writes the tool results of a user turn as tool messages, then its
// other blocks as a user message.
func openAIUserFromAnthropic(w *jsonWriter, i int, blocks []gjson.Result) error {
	others, onlyText := 0, gjson.Result{}
	for j, b := range blocks {
		if b.Get("type").Str != "tool_result" {
			others++
			onlyText = b
			continue
		}
		if err := openAIToolMessage(w, i, j, b); err != nil {
			return err
		}
	}
	if others == 0 {
		return nil
	}
	w.open('{')
	w.keyStr("role", "user")
	if text := onlyText.Get("text"); others == 1 && onlyText.Get("type").Str == "text" && text.Type == gjson.String {
		w.keyRaw("content", text.Raw)
		w.close('}')
		return nil
	}
	w.keyOpen("content", '[')
	for j, b := range blocks {
		if b.Get("type").Str == "tool_result" {
			continue
		}
		if err := openAIPartFromAnthropic(w, b, func() string { return partPath(i, "content", j, "") }); err != nil {
			return err
		}
	}
	w.close(']')
	w.close('}')
	return nil
}

// openAIPartFromAnthropic writes a text, image or document block as an OpenAI content part.
func openAIPartFromAnthropic(w *jsonWriter, b gjson.Result, where func() string) error {
	src := b.Get("source")
	switch typ := b.Get("type").Str; typ {
	case "text":
		text := b.Get("text")
		if text.Type != gjson.String {
			return requestErr(where()+".text", "want a string")
		}
		openAITextPart(w, text)
	case "image":
		w.open('{')
		w.keyStr("type", "image_url")
		w.keyOpen("image_url", '{')
		w.key("url")
		if err := writeSourceURL(w, src, where); err != nil {
			return err
		}
		w.close('}')
		w.close('}')
	case "document":
		if src.Get("type").Str == "text" {
			data := src.Get("data")
			if data.Type != gjson.String {
				return requestErr(where()+".source.data", "want a string")
			}
			openAITextPart(w, data)
			return nil
		}
		if src.Get("type").Str != "base64" {
			return requestErr(where()+".source.type", "only base64 and text documents can be sent to OpenAI")
		}
		w.open('{')
		w.keyStr("type", "file")
		w.keyOpen("file", '{')
		if title := b.Get("title"); title.Type == gjson.String {
			w.keyRaw("filename", title.Raw)
		} else {
			w.keyStr("filename", "document.pdf")
		}
		w.key("file_data")
		if err := writeSourceURL(w, src, where); err != nil {
			return err
		}
		w.close('}')
		w.close('}')
	default:
		return requestErr(where()+".type", "block type "+quote(typ)+" cannot be sent to OpenAI")
	}
	return nil
}

// writeSourceURL writes an Anthropic media source as a URL: a base64 source as a data: URL.
func writeSourceURL(w *jsonWriter, src gjson.Result, where func() string) error {
	switch src.Get("type").Str {
	case "url":
		u := src.Get("url")
		if u.Type != gjson.String {
			return requestErr(where()+".source.url", "want a string")
		}
		w.raw(u.Raw)
	case "base64":
		mime, data := src.Get("media_type"), src.Get("data")
		if mime.Type != gjson.String || data.Type != gjson.String {
			return requestErr(where()+".source", "want media_type and data strings")
		}
		w.comma()
		w.b = append(w.b, `"data:`...)
		w.b = appendEscaped(w.b, mime.Str)
		w.b = append(w.b, ";base64,"...)
		w.b = appendEscaped(w.b, data.Str)
		w.b = append(w.b, '"')
		w.more = true
	default:
		return requestErr(where()+".source.type", "want base64 or url")
	}
	return nil
}

// openAIToolMessage writes a tool_result block as a tool message. OpenAI tool messages hold
// only text.
func openAIToolMessage(w *jsonWriter, i, j int, b gjson.Result) error {
	where := func() string { return partPath(i, "content", j, "") }
	id, content := b.Get("tool_use_id"), b.Get("content")
	if id.Type != gjson.String {
		return requestErr(where()+".tool_use_id", "want a string")
	}
	w.open('{')
	w.keyStr("role", "tool")
	w.keyRaw("tool_call_id", id.Raw)
	switch {
	case !content.Exists() || content.Type == gjson.Null:
		w.keyStr("content", "")
	case content.Type == gjson.String:
		w.keyRaw("content", content.Raw)
	case content.IsArray():
		w.keyOpen("content", '[')
		var err error
		k := 0
		content.ForEach(func(_, part gjson.Result) bool {
			text := part.Get("text")
			if part.Get("type").Str != "text" || text.Type != gjson.String {
				err = requestErr(at(where()+".content", k), "OpenAI tool results hold only text blocks")
				return false
			}
			openAITextPart(w, text)
			k++
			return true
		})
		if err != nil {
			return err
		}
		w.close(']')
	default:
		return requestErr(where()+".content", "want a string or an array of blocks")
	}
	w.close('}')
	return nil
}

// openAIAssistantFromAnthropic writes an assistant turn: its text blocks joined as content,
// its tool_use blocks as tool_calls. Thinking blocks are dropped.
func openAIAssistantFromAnthropic(w *jsonWriter, i int, blocks []gjson.Result) error {
	w.open('{')
	w.keyStr("role", "assistant")
	texts, calls := 0, 0
	for j, b := range blocks {
		switch b.Get("type").Str {
		case "text":
			if b.Get("text").Type != gjson.String {
				return requestErr(partPath(i, "content", j, ".text"), "want a string")
			}
			texts++
		case "tool_use":
			calls++
		case "thinking", "redacted_thinking":
		default:
			return requestErr(partPath(i, "content", j, ".type"), "an assistant turn sent to OpenAI can hold only text and tool_use blocks")
		}
	}
	w.key("content")
	if texts == 0 && calls > 0 {
		w.null()
	} else {
		w.comma()
		w.b = append(w.b, '"')
		for _, b := range blocks {
			if b.Get("type").Str == "text" {
				w.b = appendEscaped(w.b, b.Get("text").Str)
			}
		}
		w.b = append(w.b, '"')
		w.more = true
	}
	if calls > 0 {
		w.keyOpen("tool_calls", '[')
		for j, b := range blocks {
			if b.Get("type").Str != "tool_use" {
				continue
			}
			id, name, input := b.Get("id"), b.Get("name"), b.Get("input")
			switch {
			case id.Type != gjson.String:
				return requestErr(partPath(i, "content", j, ".id"), "want a string")
			case name.Type != gjson.String:
				return requestErr(partPath(i, "content", j, ".name"), "want a string")
			case input.Exists() && !input.IsObject():
				return requestErr(partPath(i, "content", j, ".input"), "want an object")
			}
			args := compactJSON(input.Raw)
			if args == "" {
				args = "{}"
			}
			w.open('{')
			w.keyRaw("id", id.Raw)
			w.keyStr("type", "function")
			w.keyOpen("function", '{')
			w.keyRaw("name", name.Raw)
			w.keyStr("arguments", args)
			w.close('}')
			w.close('}')
		}
		w.close(']')
	}
	w.close('}')
	return nil
}
