package main

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Instance is one upstream LLM endpoint: a provider, its credentials, where it is reached
// and how requests to it are rewritten. The single and Higress forms configure one; the
// multi form one per instances entry.
type Instance struct {
	Name   string  // unique in the configuration; names shared data, logs, filter state
	Preset *Preset // the provider
	// Cluster is the Envoy cluster that reaches the provider (proxy_http_call's upstream,
	// or the route's cluster in route mode).
	Cluster string

	Timeout          time.Duration // whole answer, call mode
	FirstByteTimeout time.Duration // first byte of the answer; 0: Timeout alone bounds it
	Weight           int           // within its priority; 0: a standby
	Priority         int           // higher is tried first

	// Options are forced into every request body; Defaults fill fields the body lacks.
	Options  []BodyField
	Defaults []BodyField
	Models   *ModelMap // nil: names pass unchanged

	// NativeProtocol is Higress's protocol "original": clients speak the provider's own API
	// and requests pass without translation (only credentials and the upstream change).
	NativeProtocol bool

	forcedModel  string // options.model
	defaultModel string // defaults.model

	up   upstream
	auth instanceAuth
	keys *keyRing // nil without api_keys
}

// instanceAuth is auth: credentials placed as configured. Values are secrets.
type instanceAuth struct {
	headers [][2]string // names lower case
	query   string      // encoded name=value pairs
}

// Target is where one upstream request goes.
type Target struct {
	Cluster   string
	Scheme    string // :scheme; "https" for TLS clusters
	Authority string // :authority the provider expects
	// Path is :path with the query. It may carry auth.query credentials: never log it.
	Path string
}

// Model is the model to ask the provider for when the client asked for requested ("" when
// the body names none): defaults.model fills a missing name, model_mapping renames it, and
// options.model, when set, replaces whatever results.
func (in *Instance) Model(requested string) string {
	if in.forcedModel != "" {
		return in.forcedModel
	}
	if requested == "" {
		requested = in.defaultModel
	}
	return in.Models.Map(requested)
}

// Target is where a request of kind k goes (k as sent upstream, see Preset.UpstreamKind),
// for model (the mapped one; Gemini and Azure put it in the path) and streamed or not. It is
// false when the provider does not serve k, or the path needs a model and there is none.
func (in *Instance) Target(k Kind, model string, stream bool) (Target, bool) {
	tmpl := in.Preset.path(k, stream)
	if tmpl == "" {
		return Target{}, false
	}
	path, query, _ := strings.Cut(in.up.basePath+tmpl, "?")
	if strings.Contains(path, "{model}") || (strings.Contains(path, "{deployment}") && in.up.deployment == "") {
		if model == "" {
			return Target{}, false
		}
	}
	path = strings.ReplaceAll(path, "{model}", url.PathEscape(model))
	dep := in.up.deployment
	if dep == "" {
		dep = url.PathEscape(model)
	}
	path = strings.ReplaceAll(path, "{deployment}", dep)
	for _, q := range []string{in.up.query, in.auth.query} {
		if q != "" {
			if query != "" {
				query += "&"
			}
			query += q
		}
	}
	if query != "" {
		path += "?" + query
	}
	return Target{Cluster: in.Cluster, Scheme: in.up.scheme, Authority: in.up.authority, Path: path}, true
}

// PickKey chooses the api_keys entry for the next request (see keyRing.pick); -1 when the
// instance has no api_keys.
func (in *Instance) PickKey(s sharedStore, now time.Time) int {
	if in.keys == nil {
		return -1
	}
	return in.keys.pick(s, now)
}

// KeyRefused tells the rotation how the provider answered a request made with key (from
// PickKey): 401, 403 and 429 cool the key down (see keyRing.refused). It returns the
// cooldown, 0 if none.
func (in *Instance) KeyRefused(s sharedStore, key, status int, retryAfter string, now time.Time) time.Duration {
	if in.keys == nil || key < 0 || key >= len(in.keys.keys) {
		return 0
	}
	return in.keys.refused(s, key, status, retryAfter, now)
}

// AuthHeaders are the headers to set on a request to the instance made with key (from
// PickKey; -1 for none): what the provider needs on every request (anthropic-version),
// the key where the provider expects it, and auth.header as configured, a configured header
// replacing a preset one of the same name. Remove clientCredentialHeaders first. The values
// are secrets.
func (in *Instance) AuthHeaders(key int) [][2]string {
	h := in.Preset.fixedHeaders()
	if in.keys != nil && key >= 0 && key < len(in.keys.keys) {
		h = append(h, in.Preset.keyHeader(in.keys.keys[key]))
	}
	for _, a := range in.auth.headers {
		replaced := false
		for i := range h {
			if h[i][0] == a[0] {
				h[i][1], replaced = a[1], true
			}
		}
		if !replaced {
			h = append(h, a)
		}
	}
	return h
}

// Describe is a line about the instance for logs, without any credential.
func (in *Instance) Describe() string {
	var b strings.Builder
	b.WriteString(in.Name + ": provider " + in.Preset.Name + ", cluster " + in.Cluster + ", " + in.up.scheme + "://" + in.up.authority)
	switch {
	case in.keys != nil:
		b.WriteString(", " + strconv.Itoa(len(in.keys.keys)) + " api_keys")
	case len(in.auth.headers) > 0 || in.auth.query != "":
		b.WriteString(", auth")
	}
	return b.String()
}
