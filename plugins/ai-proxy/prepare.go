package main

import (
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/llm"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// prepared is one attempt's upstream request, and how its answer is read.
type prepared struct {
	upKind Kind         // the kind sent upstream (chat for a translated anthropic_messages)
	proto  llm.Protocol // the provider's API, which its answers speak
	native bool         // its answers are already in the client's API: no translation
	model  string       // the model the provider is asked for
	target Target
	body   []byte // nil for a GET
}

// prepare builds the request for one attempt on rt's instance: the model mapped, options
// forced and defaults filled, stream set as the mode needs, stream_options.include_usage for
// OpenAI-style streams (all in one copy of the body, never re-serialised), then translated
// to the provider's API. A request the translation refuses is a *llm.RequestError (400).
//
// Translation follows the client's and the provider's APIs: an OpenAI client's request goes
// to Anthropic through llm.AnthropicRequest and to Gemini through llm.GeminiRequest (or
// geminiEmbedRequest); an Anthropic client's request goes as it is to a provider that speaks
// Anthropic, else through llm.OpenAIRequestFromAnthropic first and then as an OpenAI one.
// Higress's protocol "original" (NativeProtocol) sends an OpenAI-path body untranslated.
func (st *State) prepare(rt *instanceRuntime, stream bool) (prepared, error) {
	in := rt.in
	p := prepared{proto: protocolOf(in.Preset)}
	p.native = p.proto == st.client || (in.NativeProtocol && st.client == llm.OpenAI)
	p.model = in.Model(st.requested)
	if st.kind == KindModels {
		p.upKind, p.native = KindModels, true
		t, ok := rt.target(KindModels, "", false)
		if !ok {
			return p, &llm.RequestError{Reason: "instance " + in.Name + " does not list models"}
		}
		p.target = t
		return p, nil
	}
	var ok bool
	p.upKind, _ = in.Preset.UpstreamKind(st.kind)
	body, members := st.body, st.members
	if st.client == llm.Anthropic && !p.native {
		if st.fromAnth == nil {
			b, err := llm.OpenAIRequestFromAnthropic(st.body)
			if err != nil {
				return p, err
			}
			st.fromAnth, st.anthMembers = b, nil
			if st.anthMembers, ok = scanObject(b, nil); !ok {
				return p, &llm.RequestError{Reason: "the request could not be translated"}
			}
		}
		body, members = st.fromAnth, st.anthMembers
	}
	includeUsage := stream && p.proto == llm.OpenAI && streams(p.upKind)
	body, err := st.applyFields(body, members, in, p.model, stream, includeUsage)
	if err != nil {
		return p, &llm.RequestError{Reason: "the request body could not be edited: " + err.Error()}
	}
	switch {
	case p.native:
	case p.proto == llm.Anthropic:
		body, err = llm.AnthropicRequest(body, 0)
	case p.proto == llm.Gemini && p.upKind == KindEmbeddings:
		body, err = geminiEmbedRequest(body)
	case p.proto == llm.Gemini:
		body, p.model, _, err = llm.GeminiRequest(body)
	}
	if err != nil {
		return p, err
	}
	t, ok := rt.target(p.upKind, p.model, stream)
	if !ok {
		return p, &llm.RequestError{Field: "model", Reason: "required: instance " + in.Name + " names the model in its URL and neither the request nor the configuration names one"}
	}
	p.target, p.body = t, body
	return p, nil
}

// applyFields forces options and fills defaults into body (whose top-level members are
// members), sets the model and the stream flag, and asks for usage in streams, in one copy
// of the body. model and stream in options or defaults are not copied: the model is
// in.Model's, and the mode follows the client's stream.
func (st *State) applyFields(body []byte, members []objMember, in *Instance, model string, stream, includeUsage bool) ([]byte, error) {
	var buf [12]edit
	edits := buf[:0]
	for _, f := range in.Options {
		if f.Name != "model" && f.Name != "stream" {
			edits = append(edits, edit{name: f.Name, value: f.JSON})
		}
	}
	for _, f := range in.Defaults {
		if f.Name != "model" && f.Name != "stream" {
			edits = append(edits, edit{name: f.Name, value: f.JSON, fill: true})
		}
	}
	if model != "" {
		if m, ok := findMember(members, "model"); !ok || !stringIs(body, m, model) {
			edits = append(edits, edit{name: "model", value: string(appendJSONString(nil, model))})
		}
	}
	if m, ok := findMember(members, "stream"); stream != (ok && string(body[m.start:m.end]) == "true") {
		edits = append(edits, edit{name: "stream", value: strconv.FormatBool(stream)})
	}
	if includeUsage {
		switch m, ok := findMember(members, "stream_options"); {
		case !ok || body[m.start] != '{':
			edits = append(edits, edit{name: "stream_options", value: `{"include_usage":true}`})
		case gjson.GetBytes(body[m.start:m.end], "include_usage").Type != gjson.True:
			v, err := sjson.SetBytes(append([]byte(nil), body[m.start:m.end]...), "include_usage", true)
			if err != nil {
				return nil, err
			}
			edits = append(edits, edit{name: "stream_options", value: string(v)})
		}
	}
	if len(edits) == 0 {
		return body, nil
	}
	return editObject(body, members, edits)
}

// stringIs reports whether member m of body is the JSON string s.
func stringIs(body []byte, m objMember, s string) bool {
	v := body[m.start:m.end]
	if len(v) == len(s)+2 && v[0] == '"' && string(v[1:len(v)-1]) == s {
		return true
	}
	d, ok := stringValue(body, m)
	return ok && d == s
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// protocolOf is the API a preset's answers speak.
func protocolOf(p *Preset) llm.Protocol {
	switch p.Protocol {
	case ProtocolAnthropic:
		return llm.Anthropic
	case ProtocolGemini:
		return llm.Gemini
	}
	return llm.OpenAI
}

// usageFormat is where usage is read in answers of API p.
func usageFormat(p llm.Protocol) usage.Format {
	switch p {
	case llm.Anthropic:
		return usage.Anthropic
	case llm.Gemini:
		return usage.Gemini
	}
	return usage.OpenAI
}

// callHeaders are the headers of a call-mode request: content-type for a body, the client's
// forwardable headers, then the instance's credentials and fixed headers (which replace a
// client header of the same name).
func (st *State) callHeaders(rt *instanceRuntime, p *prepared) [][2]string {
	auth := rt.authHeaders(st.key)
	h := make([][2]string, 0, len(st.headers)+len(auth)+1)
	if p.body != nil {
		h = append(h, [2]string{"content-type", "application/json"})
	}
	for _, c := range st.headers {
		if !hasHeader(auth, c[0]) {
			h = append(h, c)
		}
	}
	return append(h, auth...)
}

func hasHeader(h [][2]string, name string) bool {
	for _, x := range h {
		if x[0] == name {
			return true
		}
	}
	return false
}
