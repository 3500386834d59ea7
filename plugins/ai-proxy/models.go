package main

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// GET /v1/models goes in call mode to an instance whose provider lists models the OpenAI
// way. Anthropic, Gemini and Azure instances have no such list (Anthropic's and Gemini's
// are shaped otherwise and name models the client does not ask for): the instance answers
// from its configuration instead, an OpenAI model list of the models it may ask its
// provider for: options.model, defaults.model and the model_mapping targets (those that
// are names, not expression templates).

// replyModels answers the models request from in's configuration.
func (st *State) replyModels(s *stream, in *Instance) plugin.Action {
	st.in, st.mode = in, modeLocal
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, name := range in.modelNames() {
		list.Data = append(list.Data, model{ID: name, Object: "model", OwnedBy: in.Preset.Name})
	}
	body, _ := json.Marshal(list)
	return st.reply(s, 200, jsonHeaders, body)
}

// modelNames are the models in's configuration may ask its provider for, each once:
// options.model, defaults.model, then model_mapping's targets in precedence order.
func (in *Instance) modelNames() []string {
	var out []string
	add := func(name string) {
		if name == "" || strings.Contains(name, "$") {
			return
		}
		for _, n := range out {
			if n == name {
				return
			}
		}
		out = append(out, name)
	}
	add(in.forcedModel)
	if in.forcedModel != "" {
		return out // every request asks for it
	}
	add(in.defaultModel)
	m := in.Models
	if m == nil {
		return out
	}
	if !m.ordered {
		patterns := make([]string, 0, len(m.exact))
		for p := range m.exact {
			patterns = append(patterns, p)
		}
		sort.Strings(patterns)
		for _, p := range patterns {
			add(m.exact[p])
		}
	}
	for _, r := range m.rules {
		add(r.target)
	}
	if m.fallback != nil {
		add(*m.fallback)
	}
	return out
}
