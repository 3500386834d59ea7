package main

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

type stream = plugin.Stream[Config, State]

// maxBudgets is the most budgets an entry can have: four kinds in four windows.
const maxBudgets = len(kinds) * 4

// State is one request's.
type State struct {
	active bool      // the request counts for somebody: it is settled at the end
	value  string    // what it counts under (may be a credential: never logged)
	entry  *entry    // its limit_keys entry or global_threshold; nil when only instances apply
	at     time.Time // admission: refunds go to the windows counted then
	held   []held    // per budget of entry: what admission took

	// Buffers the request's counter requests live in: allocations are what costs most in a
	// Go Wasm guest. An entry has at most maxBudgets budgets.
	heldBuf [maxBudgets]held
	reqBuf  [maxBudgets]counter.Request
	descBuf [maxBudgets][6]counter.Entry
	ch, ich chain // budgets (admission, reserve) and instance reads

	tokens, requests quota // what the headers report
	inHandler        bool  // a handler is running: an answer now is not a resumption

	format     usage.Format
	body       []byte // the request body, for the prompt estimate
	promptEst  int64  // the request's prompt, estimated from its text; 0 until prompt()
	addedUsage bool   // the plugin asked for stream_options.include_usage, the client did not
	// allowance is the completion tokens the budgets had room for at admission, for
	// on_exhausted_mid_stream; -1 when no token budget applies.
	allowance int64

	responded  bool // the answer's headers came
	settled    bool // charged or refunded: nothing more to do
	meter      *usage.StreamMeter
	textBytes  int64 // generated text seen in a stream
	finished   bool  // the stream was ended for the budget: the rest is dropped
	chunkID    string
	chunkModel string
	created    int64
}

// held is one budget's counter request as admission made it, and the units it counted.
type held struct {
	budget budget
	req    counter.Request
	cost   int64
	room   int64 // what the budget had left before this request; -1 when unlimited
}

// run runs a step that reports its action once, now or from a host callback (a remote
// backend's answer). A step answering later pauses the stream; its Continue resumes it, and
// a refusal has answered it.
func (st *State) run(s *stream, step func(s *stream, then func(plugin.Action))) plugin.Action {
	result, got := plugin.Continue, false
	st.inHandler = true
	step(s, func(a plugin.Action) {
		if st.inHandler {
			result, got = a, true
			return
		}
		if a == plugin.Continue && !s.Replied() {
			s.Resume()
		}
	})
	st.inHandler = false
	if !got {
		return plugin.Pause
	}
	return result
}
