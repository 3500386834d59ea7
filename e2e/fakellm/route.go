package fakellm

import (
	"net/http"
	"strings"
)

// API names a provider's wire format: its paths, credential, bodies and error shape.
type API string

// The APIs the fake speaks.
const (
	APIOpenAI    API = "openai"
	APIAzure     API = "azure"
	APIAnthropic API = "anthropic"
	APIGemini    API = "gemini"
)

// endpoint is one operation the fake answers.
type endpoint struct {
	name   string // recorded as Request.Endpoint
	method string
	serve  func(*call)
}

var (
	openAIChatEndpoint        = &endpoint{"chat/completions", http.MethodPost, serveChat}
	openAICompletionsEndpoint = &endpoint{"completions", http.MethodPost, serveCompletions}
	openAIEmbeddingsEndpoint  = &endpoint{"embeddings", http.MethodPost, serveEmbeddings}
	openAIModelsEndpoint      = &endpoint{"models", http.MethodGet, serveModels}
	openAIModelEndpoint       = &endpoint{"model", http.MethodGet, serveModel}
	openAIImagesEndpoint      = &endpoint{"images/generations", http.MethodPost, serveImages}
	openAITranscribeEndpoint  = &endpoint{"audio/transcriptions", http.MethodPost, serveTranscriptions}
	openAITranslateEndpoint   = &endpoint{"audio/translations", http.MethodPost, serveTranslations}
	anthropicMessagesEndpoint = &endpoint{"messages", http.MethodPost, serveAnthropicMessages}
	geminiGenerateEndpoint    = &endpoint{"generateContent", http.MethodPost, serveGeminiGenerate}
	geminiStreamEndpoint      = &endpoint{"streamGenerateContent", http.MethodPost, serveGeminiStream}
	geminiEmbedEndpoint       = &endpoint{"embedContent", http.MethodPost, serveGeminiEmbed}
)

// geminiMethods are the custom methods after "models/{model}:".
var geminiMethods = map[string]*endpoint{
	"generateContent":       geminiGenerateEndpoint,
	"streamGenerateContent": geminiStreamEndpoint,
	"embedContent":          geminiEmbedEndpoint,
}

// route is what a request resolved to. endpoint is nil for an unknown path; api then
// says whose error shape answers it.
type route struct {
	api       API
	endpoint  *endpoint
	pathModel string
}

// matchRoute resolves a request by its path alone; only an unknown path falls back on
// headers to guess the API.
func matchRoute(r *http.Request) route {
	p := r.URL.Path
	switch p {
	case "/v1/chat/completions":
		return route{api: APIOpenAI, endpoint: openAIChatEndpoint}
	case "/v1/completions":
		return route{api: APIOpenAI, endpoint: openAICompletionsEndpoint}
	case "/v1/embeddings":
		return route{api: APIOpenAI, endpoint: openAIEmbeddingsEndpoint}
	case "/v1/models":
		return route{api: APIOpenAI, endpoint: openAIModelsEndpoint}
	case "/v1/images/generations":
		return route{api: APIOpenAI, endpoint: openAIImagesEndpoint}
	case "/v1/audio/transcriptions":
		return route{api: APIOpenAI, endpoint: openAITranscribeEndpoint}
	case "/v1/audio/translations":
		return route{api: APIOpenAI, endpoint: openAITranslateEndpoint}
	case "/v1/messages":
		return route{api: APIAnthropic, endpoint: anthropicMessagesEndpoint}
	}
	if rest, ok := strings.CutPrefix(p, "/openai/deployments/"); ok {
		deployment, op, _ := strings.Cut(rest, "/")
		if ep := azureOperations[op]; ep != nil && deployment != "" {
			return route{api: APIAzure, endpoint: ep, pathModel: deployment}
		}
		return route{api: APIAzure}
	}
	if rest, ok := strings.CutPrefix(p, "/v1beta/models/"); ok {
		if model, ep := geminiMethod(rest); ep != nil {
			return route{api: APIGemini, endpoint: ep, pathModel: model}
		}
		return route{api: APIGemini}
	}
	if rest, ok := strings.CutPrefix(p, "/v1/models/"); ok {
		// Gemini's v1 shares this prefix with OpenAI's model retrieval; OpenAI model
		// ids may hold ':' too (fine-tunes), so only a known Gemini method decides.
		if model, ep := geminiMethod(rest); ep != nil {
			return route{api: APIGemini, endpoint: ep, pathModel: model}
		}
		if rest != "" && !strings.Contains(rest, "/") {
			return route{api: APIOpenAI, endpoint: openAIModelEndpoint, pathModel: rest}
		}
	}
	return route{api: guessAPI(r)}
}

// geminiMethod splits "{model}:{method}" and looks the method up.
func geminiMethod(rest string) (model string, ep *endpoint) {
	i := strings.LastIndex(rest, ":")
	if i <= 0 || strings.Contains(rest[:i], "/") {
		return "", nil
	}
	return rest[:i], geminiMethods[rest[i+1:]]
}

// guessAPI picks the error shape for an unknown path: by prefix, then by the credential
// header a client of that API would send; OpenAI's by default.
func guessAPI(r *http.Request) API {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/openai/"):
		return APIAzure
	case strings.HasPrefix(p, "/v1beta/"):
		return APIGemini
	case strings.HasPrefix(p, "/v1/messages"), r.Header.Get("anthropic-version") != "", r.Header.Get("x-api-key") != "":
		return APIAnthropic
	case r.Header.Get("x-goog-api-key") != "", r.URL.Query().Has("key"):
		return APIGemini
	}
	return APIOpenAI
}
