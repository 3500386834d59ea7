package llm

import "github.com/tidwall/gjson"

// openAIToolsFromAnthropic writes tools, tool_choice and parallel_tool_calls.
func openAIToolsFromAnthropic(w *jsonWriter, tools, choice gjson.Result) error {
	if tools.Exists() {
		if !tools.IsArray() {
			return requestErr("tools", "want an array")
		}
		var err error
		j := 0
		w.keyOpen("tools", '[')
		tools.ForEach(func(_, t gjson.Result) bool {
			name, desc, schema := t.Get("name"), t.Get("description"), t.Get("input_schema")
			switch typ := t.Get("type"); {
			case typ.Exists() && typ.Str != "custom":
				err = requestErr(at("tools", j)+".type", "server tool "+quote(typ.Str)+" cannot be sent to OpenAI")
			case name.Type != gjson.String:
				err = requestErr(at("tools", j)+".name", "want a string")
			case desc.Exists() && desc.Type != gjson.String:
				err = requestErr(at("tools", j)+".description", "want a string")
			case schema.Exists() && !schema.IsObject():
				err = requestErr(at("tools", j)+".input_schema", "want a JSON Schema object")
			}
			if err != nil {
				return false
			}
			w.open('{')
			w.keyStr("type", "function")
			w.keyOpen("function", '{')
			w.keyRaw("name", name.Raw)
			if desc.Exists() {
				w.keyRaw("description", desc.Raw)
			}
			if schema.Exists() {
				w.keyRaw("parameters", schema.Raw)
			}
			w.close('}')
			w.close('}')
			j++
			return true
		})
		if err != nil {
			return err
		}
		w.close(']')
	}
	if !choice.Exists() {
		return nil
	}
	name := choice.Get("name")
	switch choice.Get("type").Str {
	case "auto":
		w.keyStr("tool_choice", "auto")
	case "any":
		w.keyStr("tool_choice", "required")
	case "none":
		w.keyStr("tool_choice", "none")
	case "tool":
		if name.Type != gjson.String {
			return requestErr("tool_choice.name", "want a string")
		}
		w.keyOpen("tool_choice", '{')
		w.keyStr("type", "function")
		w.keyOpen("function", '{')
		w.keyRaw("name", name.Raw)
		w.close('}')
		w.close('}')
	default:
		return requestErr("tool_choice.type", "want auto, any, tool or none")
	}
	if choice.Get("disable_parallel_tool_use").Type == gjson.True {
		w.keyRaw("parallel_tool_calls", "false")
	}
	return nil
}
