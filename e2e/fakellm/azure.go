package fakellm

import "net/http"

// Azure OpenAI serves OpenAI's bodies under /openai/deployments/{deployment}/..., with
// the deployment as the answer's model, the key in an api-key header, and a required
// api-version query parameter.

// azureOperations are the paths under /openai/deployments/{deployment}/.
var azureOperations = map[string]*endpoint{
	"chat/completions":     azureEndpoint(openAIChatEndpoint),
	"completions":          azureEndpoint(openAICompletionsEndpoint),
	"embeddings":           azureEndpoint(openAIEmbeddingsEndpoint),
	"images/generations":   azureEndpoint(openAIImagesEndpoint),
	"audio/transcriptions": azureEndpoint(openAITranscribeEndpoint),
	"audio/translations":   azureEndpoint(openAITranslateEndpoint),
}

// azureEndpoint is the OpenAI endpoint behind the api-version check.
func azureEndpoint(openAI *endpoint) *endpoint {
	return &endpoint{name: openAI.name, method: openAI.method, serve: func(c *call) {
		// The real service answers a missing api-version with 404 "Resource not found";
		// the fake says what is wrong instead.
		if c.r.URL.Query().Get("api-version") == "" {
			c.fail(apiError{status: http.StatusBadRequest, code: "BadRequest", message: "Missing required query parameter 'api-version'."})
			return
		}
		openAI.serve(c)
	}}
}
