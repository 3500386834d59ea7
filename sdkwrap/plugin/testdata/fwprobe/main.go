// Command fwprobe is the framework's test plugin: every feature of sdkwrap/plugin wired to
// something a test can see. It is not a product plugin.
package main

import (
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

func main() {}

func init() {
	plugin.Register(plugin.Plugin[Config, State]{
		Name:               "fwprobe",
		Config:             parseConfig,
		Start:              start,
		RequestHeaders:     requestHeaders,
		RequestBody:        requestBody,
		RequestChunk:       requestChunk,
		HoldHeadersForBody: true,
		ResponseHeaders:    responseHeaders,
		ResponseBody:       responseBody,
		ResponseChunk:      responseChunk,
		ResponseEvent:      responseEvent,
		Done:               done,
		MaxRequestBody:     4096,
	})
}

// Config is what a test configures.
type Config struct {
	Name         string
	RewriteModel string
	Consumers    map[string]string // key -> consumer name
}

type State struct {
	events int
	meter  *usage.StreamMeter
}

var streamsDone plugin.Counter

func parseConfig(r *config.Reader) (*Config, error) {
	c := &Config{Consumers: map[string]string{}}
	c.Name = r.String("name", "", config.Required())
	c.RewriteModel = r.String("rewrite_model", "")
	firstUse := map[string]int{}
	r.Array("consumers", func(i int, e *config.Reader) {
		name := e.String("name", "", config.Required())
		key := e.String("key", "", config.Required())
		if j, dup := firstUse[key]; dup {
			e.Failf("key", "duplicate of consumers[%d]", j)
			return
		}
		firstUse[key] = i
		c.Consumers[key] = name
	})
	return c, r.Err()
}

func start(root *plugin.Root[Config]) error {
	streamsDone = root.Counter("streams_done")
	root.Log().Infof("started")
	return nil
}

func requestHeaders(s *plugin.Stream[Config, State]) plugin.Action {
	s.ClearConsumer()
	if name, ok := s.Config.Consumers[s.RequestHeader("x-key")]; ok {
		s.SetConsumer(name)
	}
	s.Log().Debugf("debug line for %s", s.Path())
	s.Log().Infof("request to %s", s.Path())
	if limit, err := strconv.Atoi(s.RequestHeader("x-limit")); err == nil {
		s.LimitRequestBody(limit, s.RequestHeader("x-pass-over") != "")
	}
	if s.RequestHeader("x-req-chunks") != "" {
		s.SkipRequestBody()
	}
	if s.RequestHeader("x-fail") != "" {
		return s.Fail(429, "rate_limit_exceeded", "fw_denied", "denied by fwprobe", [2]string{"retry-after", "7"})
	}
	if name := s.RequestHeader("x-call"); name != "" {
		return call(s, name)
	}
	if s.RequestHeader("x-panic") != "" {
		var m map[string]int
		m["boom"]++
	}
	return plugin.Continue
}

// call asks a cluster and lets the request go on with the answer in a header; with
// x-call-then-fail it refuses the request from the answer, with x-call-then-panic it panics
// there.
func call(s *plugin.Stream[Config, State], name string) plugin.Action {
	err := cluster.Call(cluster.Request{Cluster: name, Path: "/check", Body: []byte("ping")},
		func(resp cluster.Response, err error) {
			if s.RequestHeader("x-call-then-panic") != "" {
				var m map[string]int
				m["boom"]++
			}
			if s.RequestHeader("x-call-then-fail") != "" {
				s.Fail(429, "rate_limit_exceeded", "fw_denied_later", "denied by fwprobe after the call")
				return
			}
			if err != nil {
				s.SetRequestHeader("x-call-status", "failed: "+err.Error())
			} else {
				s.SetRequestHeader("x-call-status", strconv.Itoa(resp.Status)+" "+string(resp.Body))
			}
			s.Resume()
		})
	if err != nil {
		s.SetRequestHeader("x-call-status", "not sent: "+err.Error())
		return plugin.Continue
	}
	return plugin.Pause
}

func requestBody(s *plugin.Stream[Config, State], body []byte) plugin.Action {
	model := gjson.GetBytes(body, "model").String()
	s.SetRequestHeader("x-model", model) // the headers are still held: this reaches upstream
	if s.Config.RewriteModel != "" && model != "" {
		if out, err := sjson.SetBytes(body, "model", s.Config.RewriteModel); err == nil {
			s.ReplaceRequestBody(out)
		}
	}
	return plugin.Continue
}

// requestChunk lower-cases request chunks that pass unbuffered.
func requestChunk(s *plugin.Stream[Config, State], chunk []byte, end bool) []byte {
	return []byte(strings.ToLower(string(chunk)))
}

func responseHeaders(s *plugin.Stream[Config, State]) plugin.Action {
	s.SetResponseHeader("x-fw-config", s.Config.Name)
	if s.ResponseHeader("x-chunks") != "" {
		s.SetResponseMode(plugin.ModeChunks)
	}
	return plugin.Continue
}

// responseBody tags a JSON answer with the matched config's name.
func responseBody(s *plugin.Stream[Config, State], body []byte) plugin.Action {
	if gjson.ValidBytes(body) {
		if out, err := sjson.SetBytes(body, "fw", s.Config.Name); err == nil {
			s.ReplaceResponseBody(out)
		}
	}
	return plugin.Continue
}

func responseChunk(s *plugin.Stream[Config, State], chunk []byte, end bool) []byte {
	out := []byte(strings.ToUpper(string(chunk)))
	if end {
		out = append(out, "|END"...)
	}
	return out
}

// responseEvent prefixes every data event with the config's name and closes the stream with
// a summary event counting them; usage goes to filter state.
func responseEvent(s *plugin.Stream[Config, State], ev sse.Event, end bool) []byte {
	if s.State.meter == nil {
		s.State.meter = usage.NewStreamMeter(usage.OpenAI)
	}
	if end {
		if u, ok := s.State.meter.Usage(); ok {
			s.SetFilterState(filterstate.AITotalTokens, strconv.FormatInt(u.Total, 10))
		}
		return sse.AppendEvent(nil, sse.Event{Event: "fw-summary", Data: strconv.Itoa(s.State.events)})
	}
	s.State.meter.Observe(ev)
	if ev.Data == "" || ev.Data == "[DONE]" {
		return nil
	}
	s.State.events++
	ev.Data = s.Config.Name + ":" + ev.Data
	return sse.AppendEvent(nil, ev)
}

func done(s *plugin.Stream[Config, State]) {
	streamsDone.Inc()
}
