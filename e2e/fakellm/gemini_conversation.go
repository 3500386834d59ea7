package fakellm

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The function-calling parts of a generateContent request, in both of Google's spellings.
type (
	geminiTool struct {
		FunctionDeclarations      []geminiFunctionDeclaration `json:"functionDeclarations"`
		FunctionDeclarationsSnake []geminiFunctionDeclaration `json:"function_declarations"`
	}
	geminiFunctionDeclaration struct {
		Name string `json:"name"`
	}
	geminiToolConfig struct {
		FunctionCalling      *geminiFunctionCallingConfig `json:"functionCallingConfig"`
		FunctionCallingSnake *geminiFunctionCallingConfig `json:"function_calling_config"`
	}
	geminiFunctionCallingConfig struct {
		Mode         string   `json:"mode"` // AUTO (default), ANY, NONE, VALIDATED
		Allowed      []string `json:"allowedFunctionNames"`
		AllowedSnake []string `json:"allowed_function_names"`
	}
	geminiFunctionResponse struct {
		Name     string          `json:"name"`
		Response json.RawMessage `json:"response"`
	}
)

// functionResponse is the part's function response, in either spelling; nil for none.
func (p geminiPart) functionResponse() *geminiFunctionResponse {
	if p.FunctionResponse != nil {
		return p.FunctionResponse
	}
	return p.FunctionResponseSnake
}

// geminiConversation reads systemInstruction and contents. A content with no role is the
// user's; one that holds functionResponse parts (role user, or the older "function") is
// a tool result, whose text is each response object as compact JSON.
func geminiConversation(req geminiRequest) conversation {
	var conv conversation
	system := req.SystemInstruction
	if system == nil {
		system = req.SystemInstructionSnake
	}
	conv.texts = append(conv.texts, system.text())
	for _, content := range req.Contents {
		text := content.text()
		conv.texts = append(conv.texts, text)
		var results []string
		for _, p := range content.Parts {
			if fr := p.functionResponse(); fr != nil {
				results = append(results, compactJSON(fr.Response))
			}
		}
		conv.texts = append(conv.texts, results...)
		switch {
		case content.Role == "model":
			conv.last = turnOther
		case len(results) > 0:
			conv.last, conv.toolResults = turnToolResult, results
		case content.Role == "" || content.Role == "user":
			conv.lastUser, conv.last = text, turnUser
		default:
			conv.last = turnOther
		}
	}
	return conv
}

// geminiRules reads tools, toolConfig and generationConfig (maxOutputTokens,
// stopSequences, responseMimeType).
func geminiRules(req geminiRequest) replyRules {
	var rules replyRules
	for _, g := range []*geminiGeneration{req.GenerationConfig, req.GenerationConfigSnake} {
		if g == nil {
			continue
		}
		for _, n := range []*int{g.MaxOutputTokens, g.MaxOutputTokensSnake} {
			if n != nil && *n > 0 && rules.maxTokens == 0 {
				rules.maxTokens = *n
			}
		}
		rules.stop = append(rules.stop, g.StopSequences...)
		rules.stop = append(rules.stop, g.StopSequencesSnake...)
		if g.ResponseMimeType == "application/json" || g.ResponseMimeTypeSnake == "application/json" {
			rules.jsonMode = true
		}
	}
	var declared []string
	for _, t := range req.Tools {
		for _, f := range append(t.FunctionDeclarations, t.FunctionDeclarationsSnake...) {
			if f.Name != "" {
				declared = append(declared, f.Name)
			}
		}
	}
	if len(declared) == 0 {
		return rules
	}
	rules.tool = declared[0]
	config := req.ToolConfig
	if config == nil {
		config = req.ToolConfigSnake
	}
	if config == nil {
		return rules
	}
	fc := config.FunctionCalling
	if fc == nil {
		fc = config.FunctionCallingSnake
	}
	if fc == nil {
		return rules
	}
	switch strings.ToUpper(fc.Mode) {
	case "NONE":
		rules.tool = ""
	case "ANY", "VALIDATED":
		if allowed := append(fc.Allowed, fc.AllowedSnake...); len(allowed) > 0 {
			rules.tool = allowed[0]
		}
	}
	return rules
}

// compactJSON is raw JSON without insignificant whitespace; "" for none.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}
