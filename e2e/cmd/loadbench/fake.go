package main

import "github.com/aiwasm/aiwasm/e2e/fakellm"

// startFake runs the fake LLM in this process with no delay and no misbehaviour, keeping
// only the newest requests so a long run does not grow its memory.
func startFake() (*fakellm.Server, error) {
	return fakellm.Start(fakellm.Config{KeepRequests: 100})
}
