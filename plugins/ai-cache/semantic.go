package main

import (
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/tidwall/gjson"
)

// semanticLookup asks the embeddings endpoint for the question's vector; the answer
// decides between a semantic hit and a miss. It reports false when no call was made (the
// request then is a plain miss).
func semanticLookup(s *stream, req gjson.Result) bool {
	sc := s.Config.semantic
	text := questionText(s.Config.strategy, req.Get("messages"))
	if strings.TrimSpace(text) == "" {
		return false
	}
	body := appendString([]byte(`{"model":`), sc.model)
	body = append(appendString(append(body, `,"input":`...), text), '}')
	headers := append([][2]string{{"content-type", "application/json"}}, sc.headers...)
	err := cluster.Call(cluster.Request{Cluster: sc.cluster, Method: "POST", Path: sc.path, Authority: sc.authority,
		Scheme: sc.scheme, Headers: headers, Body: body, Timeout: sc.timeout},
		func(resp cluster.Response, err error) { onEmbedding(s, resp, err) })
	if err != nil {
		semanticFailed(s, err.Error())
		return false
	}
	return true
}

// onEmbedding finishes a semantic lookup: a hit above the threshold is answered, anything
// else goes on as a miss (an embeddings failure included: the cache fails open).
func onEmbedding(s *stream, resp cluster.Response, err error) {
	if !semanticHit(s, resp, err) {
		decide(s, statusMiss)
		s.Resume()
	}
}

// semanticHit reads the embedding and looks for a stored question near enough. It reports
// whether the request is taken care of: answered, or waiting for the store, whose callback
// then answers or resumes it.
func semanticHit(s *stream, resp cluster.Response, err error) bool {
	st, sc := &s.State, s.Config.semantic
	switch {
	case err != nil:
		semanticFailed(s, err.Error())
		return false
	case !resp.OK():
		semanticFailed(s, "embeddings answered HTTP "+strconv.Itoa(resp.Status))
		return false
	}
	vec := readEmbedding(resp.Body)
	if vec == nil {
		semanticFailed(s, "embeddings answer without a vector")
		return false
	}
	key, sim, found, err := sc.index.Nearest(st.scope, st.params, vec)
	if err != nil {
		semanticFailed(s, err.Error())
		return false
	}
	st.vector = vec
	if !found || sim < sc.threshold {
		return false
	}
	async := false
	pending := s.Config.store.Get(key, s.ID(), func(e entry, ok bool, err error) {
		switch {
		case err != nil:
			s.Log().Warnf("cache lookup of the nearest answer failed: %v", err)
			metricsOf(s.Root()).errors.Inc()
		case ok:
			st.similarity = sim
			serveHit(s, e, sim)
		}
		if async && !s.Replied() {
			decide(s, statusMiss)
			s.Resume()
		}
	})
	if pending {
		async = true
		return true
	}
	return s.Replied()
}

// indexQuestion records a stored answer's question vector.
func indexQuestion(s *stream) {
	st := &s.State
	if err := s.Config.semantic.index.Add(st.key, st.params, st.vector, nowTime().Add(s.Config.ttl)); err != nil {
		semanticFailed(s, err.Error())
	}
	st.vector = nil
}

func semanticFailed(s *stream, why string) {
	metricsOf(s.Root()).semanticErrors.Inc()
	s.Log().Warnf("semantic lookup: %s", why)
}

// readEmbedding reads data[0].embedding of an OpenAI embeddings answer.
func readEmbedding(body []byte) []float32 {
	if !jsonguard.Valid(body) {
		return nil
	}
	arr := gjson.GetBytes(body, "data.0.embedding")
	if !arr.IsArray() {
		return nil
	}
	var vec []float32
	ok := true
	arr.ForEach(func(_, v gjson.Result) bool {
		if v.Type != gjson.Number {
			ok = false
			return false
		}
		vec = append(vec, float32(v.Num))
		return true
	})
	if !ok || len(vec) == 0 {
		return nil
	}
	return vec
}

// questionText is what is embedded: the last user message (last_question), the user
// messages (all_questions), or every message with its role (full).
func questionText(s strategy, messages gjson.Result) string {
	var parts []string
	messages.ForEach(func(_, m gjson.Result) bool {
		role := m.Get("role").Str
		text := contentText(m.Get("content"))
		switch {
		case s == strategyFull:
			parts = append(parts, role+": "+text)
		case role != "user":
		case s == strategyLastQuestion:
			parts = append(parts[:0], text)
		default:
			parts = append(parts, text)
		}
		return true
	})
	return strings.Join(parts, "\n")
}

// contentText is a message's text: the string, or its text parts joined.
func contentText(c gjson.Result) string {
	if c.Type == gjson.String {
		return c.Str
	}
	var parts []string
	c.ForEach(func(_, p gjson.Result) bool {
		if p.Get("type").Str == "text" {
			parts = append(parts, p.Get("text").Str)
		}
		return true
	})
	return strings.Join(parts, " ")
}
