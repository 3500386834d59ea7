package llm

import "github.com/tidwall/gjson"

// toolCall is one entry of an assistant message's tool_calls.
type toolCall struct {
	id, name gjson.Result // JSON strings
	// args is the arguments as a JSON object text, "{}" when they were empty.
	args string
}

// forEachToolCall reads the tool_calls of message i.
func forEachToolCall(i int, calls gjson.Result, fn func(c toolCall) error) error {
	if !calls.Exists() || calls.Type == gjson.Null {
		return nil
	}
	if !calls.IsArray() {
		return requestErr(msgPath(i, ".tool_calls"), "want an array")
	}
	var err error
	j := 0
	calls.ForEach(func(_, raw gjson.Result) bool {
		var c toolCall
		if c, err = readToolCall(i, j, raw); err == nil {
			err = fn(c)
		}
		j++
		return err == nil
	})
	return err
}

func readToolCall(i, j int, raw gjson.Result) (toolCall, error) {
	where := func(rest string) string { return partPath(i, "tool_calls", j, rest) }
	if !raw.IsObject() {
		return toolCall{}, requestErr(where(""), "want a tool call object")
	}
	if typ := raw.Get("type"); typ.Exists() && typ.Str != "function" {
		return toolCall{}, requestErr(where(".type"), "only function tool calls can be translated")
	}
	c := toolCall{id: raw.Get("id"), name: raw.Get("function.name")}
	if c.id.Type != gjson.String {
		return toolCall{}, requestErr(where(".id"), "want a string")
	}
	if c.name.Type != gjson.String || c.name.Str == "" {
		return toolCall{}, requestErr(where(".function.name"), "want a non-empty string")
	}
	args := raw.Get("function.arguments")
	switch {
	case args.Type == gjson.String && isBlank(args.Str), !args.Exists(), args.Type == gjson.Null:
		c.args = "{}"
	case args.Type == gjson.String && validJSON(args.Str) && gjson.Parse(args.Str).IsObject():
		c.args = args.Str
	default:
		return toolCall{}, requestErr(where(".function.arguments"), "want a string holding a JSON object")
	}
	return c, nil
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
			return false
		}
	}
	return true
}

// toolDef is one function of a request's tools.
type toolDef struct {
	name, description, parameters gjson.Result
}

// forEachTool reads a request's tools; only function tools can be translated.
func forEachTool(tools gjson.Result, fn func(j int, d toolDef) error) error {
	if !tools.Exists() {
		return nil
	}
	if !tools.IsArray() {
		return requestErr("tools", "want an array")
	}
	var err error
	j := 0
	tools.ForEach(func(_, raw gjson.Result) bool {
		where := func(rest string) string { return at("tools", j) + rest }
		fnDef := raw.Get("function")
		d := toolDef{name: fnDef.Get("name"), description: fnDef.Get("description"), parameters: fnDef.Get("parameters")}
		switch {
		case !raw.IsObject():
			err = requestErr(where(""), "want a tool object")
		case raw.Get("type").Str != "function":
			err = requestErr(where(".type"), "only function tools can be translated")
		case d.name.Type != gjson.String || d.name.Str == "":
			err = requestErr(where(".function.name"), "want a non-empty string")
		case d.description.Exists() && d.description.Type != gjson.String:
			err = requestErr(where(".function.description"), "want a string")
		case d.parameters.Exists() && !d.parameters.IsObject():
			err = requestErr(where(".function.parameters"), "want a JSON Schema object")
		default:
			err = fn(j, d)
		}
		j++
		return err == nil
	})
	return err
}

// Tool choice modes, as OpenAI names them.
const (
	choiceAuto     = "auto"
	choiceNone     = "none"
	choiceRequired = "required"
	choiceFunction = "function" // one named function
)

// readToolChoice reads tool_choice; mode is "" when it is absent.
func readToolChoice(v gjson.Result) (mode string, name gjson.Result, err error) {
	switch {
	case !v.Exists():
		return "", name, nil
	case v.Type == gjson.String:
		switch v.Str {
		case choiceAuto, choiceNone, choiceRequired:
			return v.Str, name, nil
		}
	case v.IsObject():
		name = v.Get("function.name")
		if v.Get("type").Str == "function" && name.Type == gjson.String && name.Str != "" {
			return choiceFunction, name, nil
		}
	}
	return "", name, requestErr("tool_choice", `want "auto", "none", "required" or {"type":"function","function":{"name":...}}`)
}
