package main

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/llm"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

type stream = plugin.Stream[Config, State]

// mode is how a request reaches its provider (README: Modes).
type mode uint8

const (
	modeNone     mode = iota // not ai-proxy's: passes untouched
	modeCall                 // proxy_http_call; the plugin answers the client itself
	modeRoute                // the routed request is rewritten and the answer streams through
	modeTakeover             // route mode whose answer failed: the rest in call mode, as SSE
	modeLocal                // answered without a provider (models list, a refused request)
)

var modeNames = [...]string{"none", "call", "route", "call_after_route", "local"}

func (m mode) String() string { return modeNames[m] }

// State is what the plugin keeps about one request between callbacks.
type State struct {
	kind   Kind         // what the client asked for
	client llm.Protocol // the client's API: OpenAI, or Anthropic for anthropic_messages
	stream bool         // the client asked for a stream
	mode   mode
	start  time.Time
	now    time.Time // when the callback running now began: one clock read per callback

	requested   string      // the model the client named ("" if none)
	body        []byte      // the client's body (prompt_param: the one built from the query)
	members     []objMember // body's top-level members
	fromAnth    []byte      // an Anthropic client's body as an OpenAI request, made when needed
	anthMembers []objMember // fromAnth's
	headers     [][2]string // the client's headers a call forwards (forwardable)

	plan      *Plan    // nil with one instance
	planDone  bool     // one instance: it was handed out
	exhausted string   // ai_exhausted_instances
	skipped   []failed // instances left out without an attempt (rate_limiting, unhealthy)
	failures  []failed // attempts that failed, in order
	attempts  int      // upstream requests sent (key retries included)
	keyTries  int      // retries of the current instance with another key

	// The current (last) attempt.
	in  *Instance
	rt  *instanceRuntime // in's
	mm  *modelMetrics    // in's for the model asked (nil: none)
	key int
	p   prepared

	// The answer.
	status     int // the status the client got (0: unknown yet)
	retryAfter string
	usage      usage.Usage
	haveUsage  bool
	ttft       time.Duration
	haveTTFT   bool

	// A streamed answer (route mode).
	tr              llm.StreamTranslator // nil: the events pass as they are
	meter           *usage.StreamMeter
	out             []byte // reused for translated events
	translateErrors int    // upstream events the translator could not read
	jsonAnswer      bool   // route mode: a 2xx that is not a stream, translated whole
	normalise       bool   // route mode: the answer is an error whose body becomes the client's error JSON
	payload         []byte // logging.payloads: the streamed answer so far (bounded)
}

// failed is an attempt that failed, or an instance left out, for the final message.
type failed struct {
	instance string
	why      string // a Class name, or "http_<status>" for a key the provider refused
}
