package main

import "strings"

// Class is why an attempt failed, in the terms of fallback_strategy.
type Class uint8

const (
	ClassNone           Class = iota // a success, or a failure no strategy retries (400, 401, ...)
	ClassHTTP429                     // the provider answered 429
	ClassHTTP5xx                     // the provider answered 5xx
	ClassTimeout                     // Envoy gave up waiting (its router's own 504)
	ClassConnectFailure              // no connection, or the call ended without an answer
	ClassRateLimiting                // ai-token-ratelimit says the instance's token budget is used up
)

var classNames = [...]string{
	ClassNone:           "none",
	ClassHTTP429:        "http_429",
	ClassHTTP5xx:        "http_5xx",
	ClassTimeout:        "timeout",
	ClassConnectFailure: "connect_failure",
	ClassRateLimiting:   "rate_limiting",
}

func (c Class) String() string { return classNames[c] }

// Health reports a class that counts against an instance's health: the provider is down or
// unreachable, not merely busy (429) or out of budget.
func (c Class) Health() bool {
	return c == ClassHTTP5xx || c == ClassTimeout || c == ClassConnectFailure
}

// classify names the failure of one attempt. callFailed is a call that ended without
// response headers (a reset, an answer over Envoy's cap); fromGateway an answer Envoy's
// router made itself rather than the provider (cluster.Response.FromGateway): its 504 is a
// timeout and its 503 a connect failure (no healthy upstream, connection refused or
// reset), whereas a provider's own 503 or 504 is an http_5xx.
func classify(status int, fromGateway, callFailed bool) Class {
	switch {
	case callFailed:
		return ClassConnectFailure
	case fromGateway && status == 504:
		return ClassTimeout
	case fromGateway && status == 503:
		return ClassConnectFailure
	case status == 429:
		return ClassHTTP429
	case status >= 500 && status <= 599:
		return ClassHTTP5xx
	}
	return ClassNone
}

// FallbackSet is the failure classes that move a request to the next instance.
type FallbackSet uint8

// strategyAll is the seed's instance_health_and_rate_limiting: every class, and instances
// marked unhealthy are skipped.
const strategyAll = "instance_health_and_rate_limiting"

// Has reports whether the set holds c.
func (s FallbackSet) Has(c Class) bool { return c != ClassNone && s&(1<<c) != 0 }

func (s FallbackSet) with(c Class) FallbackSet { return s | 1<<c }

// String lists the classes, for logs: "http_429,http_5xx".
func (s FallbackSet) String() string {
	var names []string
	for c := ClassHTTP429; c <= ClassRateLimiting; c++ {
		if s.Has(c) {
			names = append(names, c.String())
		}
	}
	return strings.Join(names, ",")
}

// classNamed is the class spelled name in a fallback_strategy, ClassNone if unknown.
func classNamed(name string) Class {
	for c := ClassHTTP429; c <= ClassRateLimiting; c++ {
		if classNames[c] == name {
			return c
		}
	}
	return ClassNone
}

// fallbackNames lists what fallback_strategy accepts, for messages.
func fallbackNames() string {
	return `"http_429", "http_5xx", "timeout", "connect_failure", "rate_limiting" or "` + strategyAll + `"`
}
