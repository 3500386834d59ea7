package main

import "testing"

func TestClassifyRequest(t *testing.T) {
	for _, tc := range []struct {
		method, path, param string
		kind                Kind
		prompt              string
	}{
		{"POST", "/v1/chat/completions", "", KindChat, ""},
		{"POST", "/v1/chat/completions?x=1", "", KindChat, ""},
		{"POST", "/v1/chat/completions/", "", KindChat, ""},
		{"POST", "/openai/v1/chat/completions", "", KindChat, ""},
		{"POST", "/team-a/llm/v1/chat/completions", "", KindChat, ""},
		{"POST", "/v1/completions", "", KindCompletions, ""},
		{"POST", "/v1/embeddings", "", KindEmbeddings, ""},
		{"GET", "/v1/models", "", KindModels, ""},
		{"POST", "/v1/images/generations", "", KindImages, ""},
		{"POST", "/v1/audio/transcriptions", "", KindAudioTranscriptions, ""},
		{"POST", "/v1/audio/translations", "", KindAudioTranslations, ""},
		{"POST", "/v1/messages", "", KindAnthropicMessages, ""},
		{"POST", "/api/v1/messages?beta=true", "", KindAnthropicMessages, ""},
		// Wrong method, no /v1 right before the API path, unknown paths: not handled.
		{"GET", "/v1/chat/completions", "", KindNone, ""},
		{"POST", "/v1/models", "", KindNone, ""},
		{"POST", "/chat/completions", "", KindNone, ""},
		{"POST", "/v2/chat/completions", "", KindNone, ""},
		{"POST", "/v1/chat/completions/extra", "", KindNone, ""},
		{"POST", "/anything", "", KindNone, ""},
		{"GET", "/", "", KindNone, ""},
		// prompt_param: a GET with the parameter is chat, whatever the path.
		{"GET", "/?text=Say,hello", "text", KindChat, "Say,hello"},
		{"GET", "/ask?lang=en&text=Say+hello%21", "text", KindChat, "Say hello!"},
		{"GET", "/?text=", "text", KindNone, ""},
		{"GET", "/?other=x", "text", KindNone, ""},
		{"POST", "/?text=hi", "text", KindNone, ""},
		{"GET", "/?text=hi", "", KindNone, ""},
		{"GET", "/v1/models?text=hi", "text", KindChat, "hi"},
	} {
		kind, prompt := classifyRequest(tc.method, tc.path, tc.param)
		if kind != tc.kind || prompt != tc.prompt {
			t.Errorf("%s %s (param %q) = %s %q, want %s %q", tc.method, tc.path, tc.param, kind, prompt, tc.kind, tc.prompt)
		}
	}
}

func TestKindNames(t *testing.T) {
	want := []string{"none", "chat", "completions", "embeddings", "models", "images", "audio_transcriptions", "audio_translations", "anthropic_messages"}
	for k := KindNone; k <= KindAnthropicMessages; k++ {
		if k.String() != want[k] {
			t.Errorf("%d: %s", k, k)
		}
	}
	if !KindAudioTranscriptions.Multipart() || !KindAudioTranslations.Multipart() || KindChat.Multipart() {
		t.Fatal("multipart kinds")
	}
}
