package plugin

import "github.com/aiwasm/aiwasm/sdkwrap/filterstate"

// The consumer convention (sdkwrap/filterstate): key-auth authenticates the caller and
// publishes its name in the x-mse-consumer request header and the "consumer" filter state;
// every later plugin reads it with Consumer.

// Consumer is the authenticated consumer's name, "" for an anonymous request.
func (s *Stream[C, S]) Consumer() string {
	if !s.haveConsm {
		s.consumer, s.haveConsm = s.RequestHeader(filterstate.ConsumerHeader), true
	}
	return s.consumer
}

// ClearConsumer removes any consumer name a client sent itself; an authenticating plugin
// calls it before anything else, so nobody can claim an identity with a header.
func (s *Stream[C, S]) ClearConsumer() {
	s.RemoveRequestHeader(filterstate.ConsumerHeader)
	s.consumer, s.haveConsm = "", true
}

// SetConsumer publishes the authenticated consumer: the request header for later plugins
// and the upstream, the filter state for access logs.
func (s *Stream[C, S]) SetConsumer(name string) {
	s.SetRequestHeader(filterstate.ConsumerHeader, name)
	s.SetFilterState(filterstate.Consumer, name)
	s.consumer, s.haveConsm = name, true
}
