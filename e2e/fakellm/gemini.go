package fakellm

import (
	"encoding/json"
	"net/http"
	"strings"
)

// geminiRequest is the part of a generateContent request the fake reads. Google's JSON
// accepts both lowerCamel and snake_case field names, so both are read.
type geminiRequest struct {
	Contents               []geminiContent   `json:"contents"`
	SystemInstruction      *geminiContent    `json:"systemInstruction"`
	SystemInstructionSnake *geminiContent    `json:"system_instruction"`
	GenerationConfig       *geminiGeneration `json:"generationConfig"`
	GenerationConfigSnake  *geminiGeneration `json:"generation_config"`
	Tools                  []geminiTool      `json:"tools"`
	ToolConfig             *geminiToolConfig `json:"toolConfig"`
	ToolConfigSnake        *geminiToolConfig `json:"tool_config"`
}

type geminiGeneration struct {
	MaxOutputTokens       *int     `json:"maxOutputTokens"`
	MaxOutputTokensSnake  *int     `json:"max_output_tokens"`
	StopSequences         []string `json:"stopSequences"`
	StopSequencesSnake    []string `json:"stop_sequences"`
	ResponseMimeType      string   `json:"responseMimeType"`
	ResponseMimeTypeSnake string   `json:"response_mime_type"`
}

type geminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []geminiPart `json:"parts"`
}

type geminiPart struct {
	Text                  string                  `json:"text"`
	FunctionResponse      *geminiFunctionResponse `json:"functionResponse"`
	FunctionResponseSnake *geminiFunctionResponse `json:"function_response"`
}

// text joins the text parts (other parts, such as inline data, have none).
func (g *geminiContent) text() string {
	if g == nil {
		return ""
	}
	var texts []string
	for _, p := range g.Parts {
		if p.Text != "" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, " ")
}

type geminiResponse struct {
	Candidates    []geminiCandidate `json:"candidates"`
	UsageMetadata *geminiUsage      `json:"usageMetadata,omitempty"`
	ModelVersion  string            `json:"modelVersion"`
	ResponseID    string            `json:"responseId"`
}

type geminiCandidate struct {
	Content      geminiReplyContent `json:"content"`
	FinishReason string             `json:"finishReason,omitempty"`
	Index        int                `json:"index"`
}

type geminiReplyContent struct {
	Role  string            `json:"role"`
	Parts []geminiReplyPart `json:"parts"`
}

// geminiReplyPart is a text part or a functionCall part.
type geminiReplyPart struct {
	Text         *string             `json:"text,omitempty"`
	FunctionCall *geminiFunctionCall `json:"functionCall,omitempty"`
}

type geminiFunctionCall struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

type geminiUsage struct {
	PromptTokenCount     int                   `json:"promptTokenCount"`
	CandidatesTokenCount int                   `json:"candidatesTokenCount"`
	TotalTokenCount      int                   `json:"totalTokenCount"`
	PromptTokensDetails  []geminiModalityCount `json:"promptTokensDetails"`
}

type geminiModalityCount struct {
	Modality   string `json:"modality"`
	TokenCount int    `json:"tokenCount"`
}

func newGeminiUsage(prompt, candidates int) *geminiUsage {
	return &geminiUsage{PromptTokenCount: prompt, CandidatesTokenCount: candidates, TotalTokenCount: prompt + candidates,
		PromptTokensDetails: []geminiModalityCount{{Modality: "TEXT", TokenCount: prompt}}}
}

// serveGeminiGenerate answers models/{model}:generateContent.
func serveGeminiGenerate(c *call) { geminiGenerate(c, false) }

// serveGeminiStream answers models/{model}:streamGenerateContent.
func serveGeminiStream(c *call) { geminiGenerate(c, true) }

// geminiGenerate answers a generateContent request, whole or streamed. A stream sends
// one chunk per token, as SSE with alt=sse and as a streamed JSON array without; every
// chunk carries usageMetadata with the candidates' tokens so far, and the last one the
// finishReason, so the last chunk's usage equals the non-stream answer's. A function
// call comes whole in one chunk, as Gemini sends it.
func geminiGenerate(c *call, stream bool) {
	var req geminiRequest
	if !c.decodeBody(&req) {
		return
	}
	if len(req.Contents) == 0 {
		c.fail(apiError{status: http.StatusBadRequest, message: "* GenerateContentRequest.contents: contents is not specified"})
		return
	}
	a := newAnswer(geminiConversation(req), geminiRules(req))
	finish := "STOP" // also after a function call or a stop sequence, as Gemini says
	if a.truncated {
		finish = "MAX_TOKENS"
	}
	responseID := deterministicID("", c.body)
	response := func(part geminiReplyPart, finishReason string, candidatesTokens int) geminiResponse {
		out := geminiResponse{
			Candidates: []geminiCandidate{{Content: geminiReplyContent{Role: "model", Parts: []geminiReplyPart{part}},
				FinishReason: finishReason}},
			ModelVersion: c.pathModel, ResponseID: responseID,
		}
		if !c.fault.NoUsage {
			out.UsageMetadata = newGeminiUsage(a.promptTokens, candidatesTokens)
		}
		return out
	}
	whole := geminiReplyPart{Text: &a.text}
	if a.toolCall != nil {
		whole = geminiReplyPart{FunctionCall: &geminiFunctionCall{Name: a.toolCall.name, Args: json.RawMessage(a.toolCall.arguments)}}
	}
	if !stream {
		c.sendJSON(response(whole, finish, a.completionTokens()))
		return
	}
	var events []event
	switch {
	case a.toolCall != nil:
		events = []event{{token: true, data: mustJSON(response(whole, finish, a.completionTokens()))}}
	case len(a.tokens) == 0: // a stop sequence at the very start: one empty chunk to finish
		events = []event{{data: mustJSON(response(whole, finish, 0))}}
	default:
		for i, tok := range a.tokens {
			reason := ""
			if i == len(a.tokens)-1 {
				reason = finish
			}
			events = append(events, event{token: true, data: mustJSON(response(geminiReplyPart{Text: &tok}, reason, i+1))})
		}
	}
	var fr framing = jsonArrayFraming{}
	if c.r.URL.Query().Get("alt") == "sse" {
		fr = sseFraming{}
	}
	c.sendStream(fr, events)
}

// geminiEmbedRequest is the body of models/{model}:embedContent.
type geminiEmbedRequest struct {
	Content                   *geminiContent `json:"content"`
	OutputDimensionality      *int           `json:"outputDimensionality"`
	OutputDimensionalitySnake *int           `json:"output_dimensionality"`
}

// serveGeminiEmbed answers models/{model}:embedContent with Embed of the content's text.
func serveGeminiEmbed(c *call) {
	var req geminiEmbedRequest
	if !c.decodeBody(&req) {
		return
	}
	if req.Content == nil {
		c.fail(apiError{status: http.StatusBadRequest, message: "* EmbedContentRequest.content: content is not specified"})
		return
	}
	dims := DefaultEmbeddingDims
	for _, n := range []*int{req.OutputDimensionality, req.OutputDimensionalitySnake} {
		if n != nil {
			dims = *n
		}
	}
	if dims < 1 || dims > maxEmbeddingDims {
		c.fail(apiError{status: http.StatusBadRequest, message: "* EmbedContentRequest.output_dimensionality: must be between 1 and 3072"})
		return
	}
	c.sendJSON(map[string]any{"embedding": map[string]any{"values": Embed(req.Content.text(), dims)}})
}
