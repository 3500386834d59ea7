package llm

import "github.com/tidwall/gjson"

// geminiTools writes tools (one functionDeclarations list) and toolConfig.
func geminiTools(w *jsonWriter, req *openAIRequest) error {
	mode, name, err := readToolChoice(req.toolChoice)
	if err != nil {
		return err
	}
	m := w.mark()
	w.keyOpen("tools", '[')
	w.open('{')
	w.keyOpen("functionDeclarations", '[')
	start := w.mark()
	err = forEachTool(req.tools, func(j int, d toolDef) error {
		w.open('{')
		w.keyRaw("name", d.name.Raw)
		if d.description.Exists() {
			w.keyRaw("description", d.description.Raw)
		}
		if hasProperties(d.parameters) {
			// Gemini refuses an object schema with empty properties: a function without
			// parameters has none.
			w.key("parameters")
			if err := writeGeminiSchema(w, d.parameters, at("tools", j)+".function.parameters"); err != nil {
				return err
			}
		}
		w.close('}')
		return nil
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
	w.close(']')
	if mode == "" {
		return nil
	}
	w.keyOpen("toolConfig", '{')
	w.keyOpen("functionCallingConfig", '{')
	switch mode {
	case choiceAuto:
		w.keyStr("mode", "AUTO")
	case choiceNone:
		w.keyStr("mode", "NONE")
	case choiceRequired:
		w.keyStr("mode", "ANY")
	case choiceFunction:
		w.keyStr("mode", "ANY")
		w.keyOpen("allowedFunctionNames", '[')
		w.raw(name.Raw)
		w.close(']')
	}
	w.close('}')
	w.close('}')
	return nil
}

// hasProperties reports a parameters schema that declares at least one property (or is
// something other than a plain object, which writeGeminiSchema then judges).
func hasProperties(params gjson.Result) bool {
	if !params.Exists() {
		return false
	}
	props := params.Get("properties")
	if !props.Exists() {
		return params.Get("$ref").Exists() || params.Get("anyOf").Exists() || params.Get("oneOf").Exists()
	}
	has := false
	props.ForEach(func(_, _ gjson.Result) bool { has = true; return false })
	return has
}

// geminiGenerationConfig writes generationConfig, leaving it out when nothing goes in it.
func geminiGenerationConfig(w *jsonWriter, req *openAIRequest) error {
	m := w.mark()
	w.keyOpen("generationConfig", '{')
	start := w.mark()
	limit, ok, err := req.outputLimit()
	if err != nil {
		return err
	}
	if ok {
		w.keyInt("maxOutputTokens", limit)
	}
	for _, p := range [...]struct {
		from, to string
		v        gjson.Result
	}{
		{"temperature", "temperature", req.temperature},
		{"top_p", "topP", req.topP},
		{"presence_penalty", "presencePenalty", req.presencePenalty},
		{"frequency_penalty", "frequencyPenalty", req.frequencyPenalty},
		{"seed", "seed", req.seed},
	} {
		raw, ok, err := number(p.from, p.v)
		if err != nil {
			return err
		}
		if ok {
			w.keyRaw(p.to, raw)
		}
	}
	if err := writeStop(w, "stopSequences", req.stop); err != nil {
		return err
	}
	n, err := req.choices()
	if err != nil {
		return err
	}
	if n > 1 {
		w.keyInt("candidateCount", n)
	}
	if err := geminiResponseFormat(w, req.responseFormat); err != nil {
		return err
	}
	if !w.since(start) {
		w.reset(m)
		return nil
	}
	w.close('}')
	return nil
}

// geminiResponseFormat turns JSON mode into responseMimeType, and a json_schema into
// responseSchema as well.
func geminiResponseFormat(w *jsonWriter, format gjson.Result) error {
	if !format.Exists() {
		return nil
	}
	typ := format.Get("type")
	if !format.IsObject() || typ.Type != gjson.String {
		return requestErr("response_format.type", "want a string")
	}
	switch typ.Str {
	case "text":
		return nil
	case "json_object":
		w.keyStr("responseMimeType", "application/json")
		return nil
	case "json_schema":
		schema := format.Get("json_schema.schema")
		if !schema.IsObject() {
			return requestErr("response_format.json_schema.schema", "want a JSON Schema object")
		}
		w.keyStr("responseMimeType", "application/json")
		w.key("responseSchema")
		return writeGeminiSchema(w, schema, "response_format.json_schema.schema")
	}
	return requestErr("response_format.type", "want text, json_object or json_schema")
}
