package llm

import (
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tidwall/gjson"
)

// OpenAIStreamFromGemini translates a Gemini streamGenerateContent?alt=sse stream into OpenAI
// chat.completion.chunk events. Each Gemini chunk is a whole GenerateContentResponse holding
// the next parts of each candidate:
//
//	first chunk of a candidate  the role chunk
//	text part                   a content delta (thought summaries are left out)
//	functionCall part           a tool_calls delta with index, id (call_<k>), name and the
//	                            whole arguments: Gemini sends a call in one piece
//	finishReason                a chunk with finish_reason
//	{"error": ...}              an OpenAI error event, which ends the stream
//
// Gemini repeats the usage so far in every chunk and has no end event, so End sends the last
// usage as the usage chunk, then [DONE]. model names the model in the chunks; "" uses
// Gemini's modelVersion.
func OpenAIStreamFromGemini(model string) StreamTranslator {
	return &geminiToOpenAI{model: model}
}

// maxCandidates bounds the candidate indexes tracked (Gemini allows up to 8).
const maxCandidates = 16

type geminiToOpenAI struct {
	model     string
	chunks    openAIChunks
	headReady bool
	cands     []geminiCandidate
	usage     tokenUsage
	ended     bool
}

// geminiCandidate is what the stream remembers of one candidate.
type geminiCandidate struct {
	started, finished bool
	calls             int
}

func (s *geminiToOpenAI) Event(dst []byte, ev sse.Event) ([]byte, error) {
	if !ev.HasData || s.ended {
		return dst, nil
	}
	data := ev.Data
	if !validJSON(data) {
		return dst, upstreamErr("", "event data is not valid JSON")
	}
	doc := gjson.Parse(data)
	if !doc.IsObject() {
		return dst, upstreamErr("", "event data is not a JSON object")
	}
	a := readGeminiAnswer(doc)
	if a.err.Exists() {
		s.ended = true
		status := 500
		if code, ok := tokens(a.err.Get("code")); ok && code >= 400 && code < 600 {
			status = int(code)
		}
		return openAIErrorEvent(dst, Gemini, status, data), nil
	}
	if !s.headReady {
		s.headReady = true
		id := `"chatcmpl-gemini"`
		if a.responseID.Type == gjson.String {
			id = a.responseID.Raw
		}
		s.chunks.start(id, modelJSON(s.model, a.modelVersion))
	}
	var err error
	n := 0
	a.candidates.ForEach(func(_, c gjson.Result) bool {
		dst, err = s.candidate(dst, n, c)
		n++
		return err == nil
	})
	if n == 0 && a.feedback.Get("blockReason").Exists() {
		// The prompt was blocked: no candidate will come.
		st := s.state(0)
		dst = s.startCandidate(dst, 0, st)
		if !st.finished {
			st.finished = true
			dst = s.chunks.finish(dst, 0, finishContentFilter)
		}
	}
	if t := geminiTokenUsage(a.usage); t.seen {
		s.usage = t
	}
	return dst, err
}

func (s *geminiToOpenAI) state(i int) *geminiCandidate {
	for i >= len(s.cands) {
		s.cands = append(s.cands, geminiCandidate{})
	}
	return &s.cands[i]
}

func (s *geminiToOpenAI) startCandidate(dst []byte, i int, st *geminiCandidate) []byte {
	if st.started {
		return dst
	}
	st.started = true
	return s.chunks.role(dst, i)
}

// candidate translates the n-th candidate of a chunk.
func (s *geminiToOpenAI) candidate(dst []byte, n int, c gjson.Result) ([]byte, error) {
	var index, content, finish gjson.Result
	c.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "index":
			index = v
		case "content":
			content = v
		case "finishReason":
			finish = v
		}
		return true
	})
	i := n
	if v, ok := tokens(index); ok {
		i = int(min(v, maxCandidates))
	}
	if i >= maxCandidates {
		return dst, upstreamErr("candidates.index", "more candidates than Gemini allows")
	}
	st := s.state(i)
	if st.finished {
		return dst, nil
	}
	dst = s.startCandidate(dst, i, st)
	content.Get("parts").ForEach(func(_, p gjson.Result) bool {
		var text, thought, call, sig gjson.Result
		p.ForEach(func(key, v gjson.Result) bool {
			switch key.Str {
			case "text":
				text = v
			case "thought":
				thought = v
			case "functionCall":
				call = v
			case "thoughtSignature":
				sig = v
			}
			return true
		})
		switch {
		case call.IsObject():
			id := string(appendGeminiCallID(nil, st.calls, sig.Str))
			args := call.Get("args")
			argsText := `"{}"`
			if args.IsObject() {
				argsText = quote(compactJSON(args.Raw))
			}
			dst = s.chunks.toolStart(dst, i, st.calls, id, quote(call.Get("name").Str), argsText)
			st.calls++
		case text.Type == gjson.String && text.Str != "" && thought.Type != gjson.True:
			dst = s.chunks.content(dst, i, text.Raw)
		}
		return true
	})
	if finish.Type == gjson.String && finish.Str != "" && finish.Str != "FINISH_REASON_UNSPECIFIED" {
		st.finished = true
		dst = s.chunks.finish(dst, i, finishFromGemini(finish.Str, st.calls > 0))
	}
	return dst, nil
}

// End sends the last usage Gemini reported and [DONE]. Candidates that never got a
// finishReason (a cut stream) keep a null finish_reason.
func (s *geminiToOpenAI) End(dst []byte) []byte {
	if s.ended {
		return dst
	}
	s.ended = true
	if s.usage.seen && s.headReady {
		dst = s.chunks.usage(dst, s.usage)
	}
	return done(dst)
}
