package main

import (
	"net/url"
	"strings"
)

// Kind is what an inbound request asks for, told by its method and path.
type Kind uint8

const (
	KindNone Kind = iota // not an API request ai-proxy handles: it passes untouched
	KindChat
	KindCompletions
	KindEmbeddings
	KindModels
	KindImages
	KindAudioTranscriptions
	KindAudioTranslations
	KindAnthropicMessages // Anthropic's Messages API, spoken by the client
)

// kindRoutes are the API paths ai-proxy answers, after "/v1". Longer paths come first only
// for readability: the match requires "/v1" right before the suffix, so "/v1/completions"
// never matches "/v1/chat/completions".
var kindRoutes = []struct {
	kind   Kind
	method string
	suffix string
}{
	{KindChat, "POST", "/chat/completions"},
	{KindCompletions, "POST", "/completions"},
	{KindEmbeddings, "POST", "/embeddings"},
	{KindModels, "GET", "/models"},
	{KindImages, "POST", "/images/generations"},
	{KindAudioTranscriptions, "POST", "/audio/transcriptions"},
	{KindAudioTranslations, "POST", "/audio/translations"},
	{KindAnthropicMessages, "POST", "/messages"},
}

var kindNames = [...]string{
	KindNone:                "none",
	KindChat:                "chat",
	KindCompletions:         "completions",
	KindEmbeddings:          "embeddings",
	KindModels:              "models",
	KindImages:              "images",
	KindAudioTranscriptions: "audio_transcriptions",
	KindAudioTranslations:   "audio_translations",
	KindAnthropicMessages:   "anthropic_messages",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "none"
}

// Multipart reports a kind whose body is multipart/form-data (audio uploads): it is passed
// through as is, never parsed or translated.
func (k Kind) Multipart() bool {
	return k == KindAudioTranscriptions || k == KindAudioTranslations
}

// classifyRequest tells the kind of a request from its method and :path (query included).
// The path must end in "/v1/<api path>"; anything before "/v1" is a prefix of the
// operator's routing and is ignored ("/openai/v1/chat/completions" is chat), so ai-proxy
// works behind a route prefix without a rewrite. A trailing slash is tolerated.
//
// With promptParam set (prompt_param), a GET carrying that query parameter is a chat
// request whatever its path, and prompt is the parameter's decoded value: simple clients
// can ask "GET /?text=Say,hello".
func classifyRequest(method, path, promptParam string) (kind Kind, prompt string) {
	p, query, _ := strings.Cut(path, "?")
	if promptParam != "" && method == "GET" && query != "" {
		if v, ok := queryParam(query, promptParam); ok && v != "" {
			return KindChat, v
		}
	}
	p = strings.TrimSuffix(p, "/")
	for _, r := range kindRoutes {
		if method == r.method && strings.HasSuffix(p, "/v1"+r.suffix) {
			return r.kind, ""
		}
	}
	return KindNone, ""
}

// queryParam returns the first value of name in a raw query string, decoded ('+' is a space).
func queryParam(query, name string) (string, bool) {
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		k, v, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(k); err != nil || k != name {
			continue
		}
		if v, err := url.QueryUnescape(v); err == nil {
			return v, true
		}
		return "", false
	}
	return "", false
}
