package llm

import "github.com/tidwall/gjson"

// geminiAnswer is the top level of a generateContent answer, whole or one stream chunk.
type geminiAnswer struct {
	candidates, usage, modelVersion, responseID, feedback, err gjson.Result
}

// readGeminiAnswer picks the fields the translations use from doc in one pass.
func readGeminiAnswer(doc gjson.Result) geminiAnswer {
	var a geminiAnswer
	doc.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "candidates":
			a.candidates = v
		case "usageMetadata":
			a.usage = v
		case "modelVersion":
			a.modelVersion = v
		case "responseId":
			a.responseID = v
		case "promptFeedback":
			a.feedback = v
		case "error":
			a.err = v
		}
		return true
	})
	return a
}
