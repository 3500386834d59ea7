package fakellm

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// DefaultEmbeddingDims is the length of an embedding when the request names no dimensions.
const DefaultEmbeddingDims = 64

// maxEmbeddingDims bounds the dimensions a request may ask for (the largest real OpenAI model's).
const maxEmbeddingDims = 3072

// Embed is the fake's embedding of text: a hashed bag of words, unit-normalised. Each
// word (lower-cased, stripped of leading and trailing punctuation) adds +1 or -1 to one
// of dims coordinates, both chosen by its FNV-1a hash. Texts that share words therefore
// point the same way and have a higher cosine similarity than unrelated texts. A text
// without words gets the unit vector on the first coordinate. dims <= 0 means
// DefaultEmbeddingDims.
func Embed(text string, dims int) []float32 {
	if dims <= 0 {
		dims = DefaultEmbeddingDims
	}
	sums := make([]float64, dims)
	for _, word := range strings.Fields(strings.ToLower(text)) {
		word = strings.TrimFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if word == "" {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(word))
		sum := h.Sum64()
		sign := 1.0
		if sum>>63 == 1 {
			sign = -1
		}
		sums[sum%uint64(dims)] += sign
	}
	var norm float64
	for _, s := range sums {
		norm += s * s
	}
	if norm == 0 { // no words, or words that cancelled out
		sums[0], norm = 1, 1
	}
	norm = math.Sqrt(norm)
	out := make([]float32, dims)
	for i, s := range sums {
		out[i] = float32(s / norm)
	}
	return out
}

// embeddingRequest is the body of POST /v1/embeddings (and Azure's embeddings).
type embeddingRequest struct {
	Model          string          `json:"model"`
	Input          json.RawMessage `json:"input"`
	Dimensions     *int            `json:"dimensions"`
	EncodingFormat string          `json:"encoding_format"`
}

type embeddingList struct {
	Object string          `json:"object"`
	Data   []embeddingItem `json:"data"`
	Model  string          `json:"model"`
	Usage  *embeddingUsage `json:"usage,omitempty"`
}

type embeddingItem struct {
	Object    string `json:"object"`
	Index     int    `json:"index"`
	Embedding any    `json:"embedding"` // []float32, or a base64 string of little-endian float32s
}

type embeddingUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// serveEmbeddings answers OpenAI's and Azure's embeddings endpoint.
func serveEmbeddings(c *call) {
	var req embeddingRequest
	if !c.decodeBody(&req) {
		return
	}
	model, ok := c.openAIModel(req.Model)
	if !ok {
		return
	}
	inputs, ok := embeddingInputs(req.Input)
	if !ok {
		c.fail(apiError{status: 400, message: "'input' must be a non-empty string or array of strings", param: "input"})
		return
	}
	dims := DefaultEmbeddingDims
	if req.Dimensions != nil {
		dims = *req.Dimensions
		if dims < 1 || dims > maxEmbeddingDims {
			c.fail(apiError{status: 400, message: "'dimensions' must be between 1 and 3072", param: "dimensions"})
			return
		}
	}
	if req.EncodingFormat != "" && req.EncodingFormat != "float" && req.EncodingFormat != "base64" {
		c.fail(apiError{status: 400, message: "'encoding_format' must be 'float' or 'base64'", param: "encoding_format"})
		return
	}
	out := embeddingList{Object: "list", Model: model}
	tokens := 0
	for i, text := range inputs {
		var vec any = Embed(text, dims)
		if req.EncodingFormat == "base64" {
			vec = base64Floats(vec.([]float32))
		}
		out.Data = append(out.Data, embeddingItem{Object: "embedding", Index: i, Embedding: vec})
		tokens += CountTokens(text)
	}
	if !c.fault.NoUsage {
		out.Usage = &embeddingUsage{PromptTokens: tokens, TotalTokens: tokens}
	}
	c.sendJSON(out)
}

// embeddingInputs reads "input": a string or a non-empty array of strings.
func embeddingInputs(raw json.RawMessage) ([]string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	return stringOrStrings(raw)
}

// base64Floats is OpenAI's encoding_format=base64: the float32s, little-endian, in base64.
func base64Floats(v []float32) string {
	var buf bytes.Buffer
	_ = binary.Write(&buf, binary.LittleEndian, v) // cannot fail on a bytes.Buffer
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
