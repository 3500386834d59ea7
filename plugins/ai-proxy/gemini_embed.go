package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/llm"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// OpenAI embeddings to Gemini's models/{model}:embedContent and back. embedContent takes one
// text: an input that is a string, or a list of one string, is sent; longer lists are
// refused (batchEmbedContents is not used). dimensions becomes outputDimensionality. The
// answer has no usage; encoding_format is not honoured (floats come back).

// geminiEmbedRequest translates an OpenAI embeddings request body.
func geminiEmbedRequest(openai []byte) ([]byte, error) {
	input := gjson.GetBytes(openai, "input")
	var text string
	switch {
	case input.Type == gjson.String:
		text = input.Str
	case input.IsArray():
		items := input.Array()
		if len(items) != 1 || items[0].Type != gjson.String {
			return nil, &llm.RequestError{Field: "input", Reason: "Gemini embeds one string per request: send a string or a list of one"}
		}
		text = items[0].Str
	default:
		return nil, &llm.RequestError{Field: "input", Reason: "want a string"}
	}
	body, err := sjson.SetBytes([]byte(`{"content":{"parts":[{"text":""}]}}`), "content.parts.0.text", text)
	if err != nil {
		return nil, err
	}
	if d := gjson.GetBytes(openai, "dimensions"); d.Type == gjson.Number {
		body, err = sjson.SetRawBytes(body, "outputDimensionality", []byte(d.Raw))
	}
	return body, err
}

// openAIEmbeddingsFromGemini translates an embedContent answer into an OpenAI embedding
// list; model names the model in it.
func openAIEmbeddingsFromGemini(body []byte, model string) ([]byte, error) {
	values := gjson.GetBytes(body, "embedding.values")
	if !values.IsArray() {
		return nil, &llm.UpstreamError{Field: "embedding.values", Reason: "missing"}
	}
	out := make([]byte, 0, len(values.Raw)+128)
	out = append(out, `{"object":"list","data":[{"object":"embedding","index":0,"embedding":`...)
	out = append(out, values.Raw...)
	out = append(out, `}],"model":""}`...)
	return sjson.SetBytes(out, "model", model)
}
