package main

import "github.com/aiwasm/aiwasm/sdkwrap/cachestore"

// State is what the plugin keeps about one request.
type State struct {
	candidate bool // a chat completion request
	status    status
	dir       directives
	scope     string
	key       cachestore.Key
	hasKey    bool
	stream    bool // the client asked for a stream
	write     bool // store the answer if it qualifies

	similarity float64   // a semantic hit's
	vector     []float32 // a semantic miss's question, indexed once its answer is stored
	params     [16]byte  // hash of the key's parameters and scope, for semantic matches

	body     []byte // a JSON answer as it passed
	overflow bool   // the answer grew past what may be stored
	capture  *streamCapture
}
