package main

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Protocol is the API family a provider speaks; it says which translation a request needs.
type Protocol uint8

const (
	ProtocolOpenAI    Protocol = iota + 1 // OpenAI's API, as is
	ProtocolAzure                         // OpenAI's API under Azure's deployment paths
	ProtocolAnthropic                     // Anthropic's Messages API
	ProtocolGemini                        // Google's Gemini API (generateContent)
)

func (p Protocol) String() string {
	return [...]string{"", "openai", "azure", "anthropic", "gemini"}[p]
}

// AuthStyle is where a provider expects its API key.
type AuthStyle uint8

const (
	AuthBearer    AuthStyle = iota + 1 // Authorization: Bearer <key>
	AuthAPIKey                         // api-key: <key> (Azure)
	AuthAnthropic                      // x-api-key: <key>, plus anthropic-version
	AuthGoogle                         // x-goog-api-key: <key>
)

// Preset is everything ai-proxy knows about one provider. Adding an OpenAI-compatible
// provider is one entry in presets below.
type Preset struct {
	Name     string
	Protocol Protocol
	// Origin is scheme://host[:port] of the provider's API; "" when every instance must
	// give override.endpoint (azure, openai-compatible).
	Origin string
	// BasePath is prepended to the kind paths; an endpoint without a path keeps it.
	BasePath string
	Auth     AuthStyle
	// Cluster is the Envoy cluster an instance uses when it names none (default build).
	Cluster string
	// Kinds are the request kinds the provider serves; paths come from its protocol.
	Kinds []Kind

	scheme, host string // from Origin
	port         int
}

// presets, one line of data each. Base URLs and auth styles are the providers' documented
// OpenAI-compatible endpoints (qwen: DashScope compatible mode; doubao: Volcengine Ark).
var presets = []*Preset{
	{Name: "openai", Protocol: ProtocolOpenAI, Origin: "https://api.openai.com", BasePath: "/v1", Auth: AuthBearer, Cluster: "openai", Kinds: openAIKinds},
	{Name: "azure", Protocol: ProtocolAzure, Auth: AuthAPIKey, Kinds: without(openAIKinds, KindModels)},
	{Name: "deepseek", Protocol: ProtocolOpenAI, Origin: "https://api.deepseek.com", Auth: AuthBearer, Cluster: "deepseek", Kinds: kinds(KindChat, KindModels)},
	{Name: "openai-compatible", Protocol: ProtocolOpenAI, BasePath: "/v1", Auth: AuthBearer, Kinds: openAIKinds},
	{Name: "anthropic", Protocol: ProtocolAnthropic, Origin: "https://api.anthropic.com", BasePath: "/v1", Auth: AuthAnthropic, Cluster: "anthropic", Kinds: kinds(KindChat, KindAnthropicMessages, KindModels)},
	{Name: "gemini", Protocol: ProtocolGemini, Origin: "https://generativelanguage.googleapis.com", BasePath: "/v1beta", Auth: AuthGoogle, Cluster: "gemini", Kinds: kinds(KindChat, KindEmbeddings, KindModels)},
	{Name: "qwen", Protocol: ProtocolOpenAI, Origin: "https://dashscope.aliyuncs.com", BasePath: "/compatible-mode/v1", Auth: AuthBearer, Cluster: "qwen", Kinds: kinds(KindChat, KindCompletions, KindEmbeddings, KindModels)},
	{Name: "moonshot", Protocol: ProtocolOpenAI, Origin: "https://api.moonshot.cn", BasePath: "/v1", Auth: AuthBearer, Cluster: "moonshot", Kinds: kinds(KindChat, KindModels)},
	{Name: "zhipuai", Protocol: ProtocolOpenAI, Origin: "https://open.bigmodel.cn", BasePath: "/api/paas/v4", Auth: AuthBearer, Cluster: "zhipuai", Kinds: kinds(KindChat, KindEmbeddings, KindImages, KindAudioTranscriptions)},
	{Name: "doubao", Protocol: ProtocolOpenAI, Origin: "https://ark.cn-beijing.volces.com", BasePath: "/api/v3", Auth: AuthBearer, Cluster: "doubao", Kinds: kinds(KindChat, KindEmbeddings, KindImages, KindModels)},
	{Name: "groq", Protocol: ProtocolOpenAI, Origin: "https://api.groq.com", BasePath: "/openai/v1", Auth: AuthBearer, Cluster: "groq", Kinds: kinds(KindChat, KindModels, KindAudioTranscriptions, KindAudioTranslations)},
	{Name: "mistral", Protocol: ProtocolOpenAI, Origin: "https://api.mistral.ai", BasePath: "/v1", Auth: AuthBearer, Cluster: "mistral", Kinds: kinds(KindChat, KindEmbeddings, KindModels)},
	{Name: "together-ai", Protocol: ProtocolOpenAI, Origin: "https://api.together.xyz", BasePath: "/v1", Auth: AuthBearer, Cluster: "together-ai", Kinds: kinds(KindChat, KindCompletions, KindEmbeddings, KindModels, KindImages)},
	{Name: "openrouter", Protocol: ProtocolOpenAI, Origin: "https://openrouter.ai", BasePath: "/api/v1", Auth: AuthBearer, Cluster: "openrouter", Kinds: kinds(KindChat, KindCompletions, KindModels)},
	{Name: "fireworks", Protocol: ProtocolOpenAI, Origin: "https://api.fireworks.ai", BasePath: "/inference/v1", Auth: AuthBearer, Cluster: "fireworks", Kinds: kinds(KindChat, KindCompletions, KindEmbeddings, KindModels)},
	{Name: "xai", Protocol: ProtocolOpenAI, Origin: "https://api.x.ai", BasePath: "/v1", Auth: AuthBearer, Cluster: "xai", Kinds: kinds(KindChat, KindModels, KindImages)},
	{Name: "perplexity", Protocol: ProtocolOpenAI, Origin: "https://api.perplexity.ai", Auth: AuthBearer, Cluster: "perplexity", Kinds: kinds(KindChat)},
	{Name: "aimlapi", Protocol: ProtocolOpenAI, Origin: "https://api.aimlapi.com", BasePath: "/v1", Auth: AuthBearer, Cluster: "aimlapi", Kinds: kinds(KindChat)},
	{Name: "ollama", Protocol: ProtocolOpenAI, Origin: "http://localhost:11434", BasePath: "/v1", Auth: AuthBearer, Cluster: "ollama", Kinds: kinds(KindChat, KindCompletions, KindEmbeddings, KindModels)},
	{Name: "vllm", Protocol: ProtocolOpenAI, Origin: "http://localhost:8000", BasePath: "/v1", Auth: AuthBearer, Cluster: "vllm", Kinds: kinds(KindChat, KindCompletions, KindEmbeddings, KindModels, KindAudioTranscriptions)},
}

var openAIKinds = kinds(KindChat, KindCompletions, KindEmbeddings, KindModels, KindImages, KindAudioTranscriptions, KindAudioTranslations)

// protocolPaths are the paths, below the base path, of each kind a protocol serves. {model}
// is the model the provider is asked for, path-escaped.
var protocolPaths = map[Protocol]map[Kind]string{
	ProtocolOpenAI: openAIPaths,
	ProtocolAzure:  openAIPaths, // under /openai/deployments/<deployment> or /openai/v1
	ProtocolAnthropic: {
		KindChat:              "/messages", // translated from OpenAI chat
		KindAnthropicMessages: "/messages",
		KindModels:            "/models",
	},
	ProtocolGemini: {
		KindChat:       "/models/{model}:generateContent",
		KindEmbeddings: "/models/{model}:embedContent",
		KindModels:     "/models",
	},
}

// streamPaths replace protocolPaths for streamed requests where the provider streams from
// another endpoint.
var streamPaths = map[Protocol]map[Kind]string{
	ProtocolGemini: {KindChat: "/models/{model}:streamGenerateContent?alt=sse"},
}

var openAIPaths = map[Kind]string{
	KindChat:                "/chat/completions",
	KindCompletions:         "/completions",
	KindEmbeddings:          "/embeddings",
	KindModels:              "/models",
	KindImages:              "/images/generations",
	KindAudioTranscriptions: "/audio/transcriptions",
	KindAudioTranslations:   "/audio/translations",
}

// anthropicVersion is the API version ai-proxy speaks to Anthropic.
const anthropicVersion = "2023-06-01"

// clientCredentialHeaders are the headers a client may carry its own key in. They are
// removed before an instance's credentials go on, so a client key never reaches a provider.
var clientCredentialHeaders = []string{"authorization", "api-key", "x-api-key", "x-goog-api-key"}

func kinds(ks ...Kind) []Kind { return ks }

func without(ks []Kind, drop Kind) []Kind {
	var out []Kind
	for _, k := range ks {
		if k != drop {
			out = append(out, k)
		}
	}
	return out
}

var presetsByName = map[string]*Preset{}

func init() {
	for _, p := range presets {
		if p.Origin != "" {
			u, err := url.Parse(p.Origin)
			if err != nil || u.Host == "" {
				panic("ai-proxy: preset " + p.Name + " has a bad origin")
			}
			p.scheme, p.host, p.port = u.Scheme, u.Hostname(), portOf(u)
		}
		presetsByName[p.Name] = p
	}
}

// presetNamed returns the preset called name, or nil.
func presetNamed(name string) *Preset { return presetsByName[name] }

// presetNames lists the known provider names, sorted, for messages.
func presetNames() string {
	names := make([]string, 0, len(presets))
	for _, p := range presets {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Supports reports whether the provider serves kind.
func (p *Preset) Supports(k Kind) bool {
	for _, x := range p.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// UpstreamKind is the kind of the request sent to the provider for an inbound one: the same
// kind when the provider serves it; chat for an inbound Anthropic Messages request to a
// provider without that API (the handler translates); ok false when the provider has
// nothing for it.
func (p *Preset) UpstreamKind(inbound Kind) (Kind, bool) {
	switch {
	case p.Supports(inbound):
		return inbound, true
	case inbound == KindAnthropicMessages && p.Supports(KindChat):
		return KindChat, true
	}
	return KindNone, false
}

// path is the path template of kind below the base path, "" when unsupported.
func (p *Preset) path(k Kind, stream bool) string {
	if !p.Supports(k) {
		return ""
	}
	if stream {
		if s := streamPaths[p.Protocol][k]; s != "" {
			return s
		}
	}
	return protocolPaths[p.Protocol][k]
}

// keyHeader is the header that carries key in the provider's style.
func (p *Preset) keyHeader(key string) [2]string {
	switch p.Auth {
	case AuthAPIKey:
		return [2]string{"api-key", key}
	case AuthAnthropic:
		return [2]string{"x-api-key", key}
	case AuthGoogle:
		return [2]string{"x-goog-api-key", key}
	}
	return [2]string{"authorization", "Bearer " + key}
}

// fixedHeaders are the headers the provider needs on every request whatever the credential.
func (p *Preset) fixedHeaders() [][2]string {
	if p.Auth == AuthAnthropic {
		return [][2]string{{"anthropic-version", anthropicVersion}}
	}
	return nil
}

// portOf is the URL's port, or its scheme's default.
func portOf(u *url.URL) int {
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err == nil {
			return n
		}
	}
	if u.Scheme == "http" {
		return 80
	}
	return 443
}
