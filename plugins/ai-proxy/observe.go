package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// What ai-proxy tells the rest of the gateway about a request: filter state for access
// logs and later plugins (sdkwrap/filterstate), Envoy metrics per instance, and the
// logging.summaries / logging.payloads lines. Never a credential, never a provider URL
// (auth.query puts keys there), never a prompt unless payloads is on.

// requestTypes are the ai_request_type values by kind; streamed requests are "ai_stream".
var requestTypes = func() []string {
	out := make([]string, len(kindNames))
	for k := range kindNames {
		out[k] = "ai_" + Kind(k).String()
	}
	return out
}()

func requestType(k Kind, stream bool) string {
	if stream {
		return "ai_stream"
	}
	return requestTypes[k]
}

// publish publishes what is known of the request: its type, the instance, provider and
// models of the last attempt, the attempts, and the answer's usage and time to first token.
// It runs when the request is answered (or, in route mode, sent on), once: filter state is a
// host call per value.
func (st *State) publish(s *stream) {
	s.SetFilterState(filterstate.AIRequestType, requestType(st.kind, st.stream))
	if in := st.in; in != nil {
		s.SetFilterState(filterstate.AIProvider, in.Preset.Name)
		s.SetFilterState(filterstate.AIInstance, in.Name)
		if st.requested != "" {
			s.SetFilterState(filterstate.AIModelRequested, st.requested)
		}
		if st.p.model != "" {
			s.SetFilterState(filterstate.AIModel, st.p.model)
		}
		if st.attempts > 0 {
			s.SetFilterState(filterstate.AIAttempts, strconv.Itoa(st.attempts))
		}
	}
	st.publishResult(s)
}

// reply answers the client from the plugin, after publishing what is known.
func (st *State) reply(s *stream, status int, headers [][2]string, body []byte) plugin.Action {
	st.status = status
	st.publish(s)
	return s.Reply(status, headers, body)
}

// publishResult publishes the answer's usage and time to first token, once known: before
// the access log is written, which happens before the plugin's Done.
func (st *State) publishResult(s *stream) {
	if st.haveUsage {
		s.SetFilterState(filterstate.AIPromptTokens, strconv.FormatInt(st.usage.Prompt, 10))
		s.SetFilterState(filterstate.AICompletionTokens, strconv.FormatInt(st.usage.Completion, 10))
		s.SetFilterState(filterstate.AITotalTokens, strconv.FormatInt(st.usage.Total, 10))
	}
	if st.haveTTFT {
		s.SetFilterState(filterstate.AITTFTMillis, strconv.FormatInt(st.ttft.Milliseconds(), 10))
	}
}

// Metrics (Envoy stats, prefixed ai_proxy_ by the framework). Per configured instance, with
// <instance> its name with every character outside [A-Za-z0-9_] as '_':
//
//	requests_<instance>                 attempts sent to it (call and route mode)
//	errors_<instance>_<class>           failed attempts by class: http_429, http_5xx, timeout,
//	                                    connect_failure; rate_limiting: left out, out of budget
//	errors_<instance>_http_4xx          provider answers >= 400 no class covers (400, 401...)
//	tokens_prompt_<instance>            usage of the answers it gave
//	tokens_completion_<instance>
//	ttft_ms_<instance>                  histogram: time to first token of its answers
//
// and for the plugin: requests (requests ai-proxy served), failovers (attempts after the
// first). The same per instance and model: metrics_model.go.
type instanceMetrics = attemptMetrics

// attemptMetrics are the counters of an instance, or of one model on an instance.
type attemptMetrics struct {
	requests, clientErrors         plugin.Counter
	promptTokens, completionTokens plugin.Counter
	errors                         [ClassRateLimiting + 1]plugin.Counter // rate_limiting: instances only
	ttft                           plugin.Histogram
}

type pluginMetrics struct {
	requests, failovers plugin.Counter
}

// Per worker (each VM has its own): the instances' in their runtime entries (runtime.go),
// made at Start for the global configuration's instances and on first use for rules'.
var plugMetrics *pluginMetrics

func metricsOf(s *stream, in *Instance) *instanceMetrics {
	return runtimeOf(s.Root(), in).metrics
}

func defineInstanceMetrics(root *plugin.Root[Config], in *Instance) *instanceMetrics {
	return defineAttemptMetrics(root, "_"+metricName(in.Name), ClassRateLimiting)
}

// defineAttemptMetrics defines the metrics whose names end in suffix, with error counters
// for the classes up to last.
func defineAttemptMetrics(root *plugin.Root[Config], suffix string, last Class) *attemptMetrics {
	m := &attemptMetrics{
		requests:         root.Counter("requests" + suffix),
		clientErrors:     root.Counter("errors" + suffix + "_http_4xx"),
		promptTokens:     root.Counter("tokens_prompt" + suffix),
		completionTokens: root.Counter("tokens_completion" + suffix),
		ttft:             root.Histogram("ttft_ms" + suffix),
	}
	for c := ClassHTTP429; c <= last; c++ {
		m.errors[c] = root.Counter("errors" + suffix + "_" + c.String())
	}
	return m
}

func pluginMetricsOf(root *plugin.Root[Config]) *pluginMetrics {
	if plugMetrics == nil {
		plugMetrics = &pluginMetrics{requests: root.Counter("requests"), failovers: root.Counter("failovers")}
	}
	return plugMetrics
}

// metricName is an instance name as it appears in metric names.
func metricName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// onDone counts the request in the metrics and writes the logging lines.
func onDone(s *stream) {
	st := &s.State
	if st.kind == KindNone {
		return
	}
	pm := pluginMetricsOf(s.Root())
	pm.requests.Inc()
	if st.attempts > 1 {
		pm.failovers.Add(uint64(st.attempts - 1))
	}
	if st.rt != nil && st.attempts > 0 {
		m := st.rt.metrics
		prompt, completion := uint64(max(st.usage.Prompt, 0)), uint64(max(st.usage.Completion, 0))
		ttft := uint64(max(st.ttft.Milliseconds(), 0))
		if st.haveUsage {
			m.promptTokens.Add(prompt)
			m.completionTokens.Add(completion)
		}
		if st.haveTTFT {
			m.ttft.Record(ttft)
		}
		if mm := st.mm; mm != nil {
			if st.haveUsage {
				mm.promptTokens.Add(prompt)
				mm.completionTokens.Add(completion)
			}
			if st.haveTTFT {
				mm.ttft.Record(ttft)
			}
		}
	}
	for _, f := range st.skipped {
		if f.why == ClassRateLimiting.String() {
			if in := s.Config.Instance(f.instance); in != nil {
				metricsOf(s, in).errors[ClassRateLimiting].Inc()
			}
		}
	}
	logging := s.Config.Logging
	if !logging.Summaries && !logging.Payloads {
		return
	}
	log := s.Log()
	if !log.Enabled(plugin.LevelInfo) {
		return
	}
	if s.Config.Logging.Payloads && len(st.payload) > 0 {
		log.Infof("response body: %s", st.payload)
	}
	if s.Config.Logging.Summaries {
		log.Infof("%s", st.summary())
	}
}

// summary is the logging.summaries line: one per request.
func (st *State) summary() string {
	var b strings.Builder
	b.Grow(256)
	b.WriteString("kind=" + st.kind.String())
	if st.stream {
		b.WriteString(" stream=true")
	}
	b.WriteString(" mode=" + st.mode.String())
	instance, provider := "-", "-"
	if st.in != nil {
		instance, provider = st.in.Name, st.in.Preset.Name
	}
	b.WriteString(" instance=" + instance + " provider=" + provider)
	// Model names come from clients: quoted, so they cannot forge a line.
	b.WriteString(" model_requested=" + strconv.Quote(st.requested) + " model=" + strconv.Quote(st.p.model))
	b.WriteString(" status=" + strconv.Itoa(st.status))
	if st.haveUsage {
		b.WriteString(" prompt_tokens=" + strconv.FormatInt(st.usage.Prompt, 10) +
			" completion_tokens=" + strconv.FormatInt(st.usage.Completion, 10) +
			" total_tokens=" + strconv.FormatInt(st.usage.Total, 10))
	}
	if st.haveTTFT {
		b.WriteString(" ttft_ms=" + strconv.FormatInt(st.ttft.Milliseconds(), 10))
	}
	b.WriteString(" duration_ms=" + strconv.FormatInt(time.Since(st.start).Milliseconds(), 10))
	b.WriteString(" attempts=" + strconv.Itoa(st.attempts))
	if len(st.failures) > 0 || len(st.skipped) > 0 {
		b.WriteString(" failed=")
		for i, f := range append(append([]failed(nil), st.failures...), st.skipped...) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(f.instance + ":" + f.why)
		}
	}
	return b.String()
}
