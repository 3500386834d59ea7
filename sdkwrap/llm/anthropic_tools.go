package llm

import "github.com/tidwall/gjson"

// anthropicTools writes tools and tool_choice. parallel_tool_calls false becomes
// disable_parallel_tool_use, which Anthropic keeps inside tool_choice.
func anthropicTools(w *jsonWriter, req *openAIRequest) error {
	m := w.mark()
	w.keyOpen("tools", '[')
	err := forEachTool(req.tools, func(_ int, d toolDef) error {
		w.open('{')
		w.keyRaw("name", d.name.Raw)
		if d.description.Exists() {
			w.keyRaw("description", d.description.Raw)
		}
		if d.parameters.Exists() {
			w.keyRaw("input_schema", d.parameters.Raw)
		} else {
			// Anthropic requires a schema; a function without parameters takes an empty object.
			w.keyRaw("input_schema", `{"type":"object","properties":{}}`)
		}
		w.close('}')
		return nil
	})
	if err != nil {
		return err
	}
	hasTools := w.b[len(w.b)-1] != '['
	if !hasTools {
		w.reset(m)
	} else {
		w.close(']')
	}
	mode, name, err := readToolChoice(req.toolChoice)
	if err != nil {
		return err
	}
	noParallel := req.parallelToolCalls.Type == gjson.False
	if !hasTools || (mode == "" && !noParallel) {
		// Without tools there is nothing to choose from; Anthropic refuses a tool_choice then.
		return nil
	}
	w.keyOpen("tool_choice", '{')
	switch mode {
	case choiceNone:
		w.keyStr("type", "none")
	case choiceRequired:
		w.keyStr("type", "any")
	case choiceFunction:
		w.keyStr("type", "tool")
		w.keyRaw("name", name.Raw)
	default:
		w.keyStr("type", "auto")
	}
	if noParallel && mode != choiceNone {
		w.keyRaw("disable_parallel_tool_use", "true")
	}
	w.close('}')
	return nil
}
