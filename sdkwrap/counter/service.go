package counter

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
)

// service asks the envoyproxy/ratelimit service.
type service struct {
	cluster, domain string
	timeout         time.Duration
}

// RatelimitService counts with the envoyproxy/ratelimit service, reached through the Envoy
// cluster named cluster with POST /json, in domain. Answers are pending: done runs from the
// HTTP call's callback, inside the calling stream.
//
// The service owns the limits and windows (its YAML configuration): Request.Limit and
// Request.Window are ignored, and a descriptor it has no limit for is Unlimited - so is every
// descriptor of a domain it does not know (measured): a misspelt domain limits nothing. Measured
// behaviour to know about: it counts every hit, denied ones included (so Overdraw changes
// nothing), and it counts hits_addend 0 as 1, so Cost 0 is refused with ErrReadUnsupported.
// It does not report the count: Decision.Count is Limit − Remaining. A timeout (the gateway's
// 504), an unreachable service (503), a reset, or any answer but 200 / 429 with the expected
// body is an error.
func RatelimitService(cluster, domain string, timeout time.Duration) Backend {
	return &service{cluster: cluster, domain: domain, timeout: timeout}
}

func (s *service) Take(req Request, done func(Decision, error)) bool {
	if err := s.check(req); err != nil {
		done(Decision{}, err)
		return false
	}
	call := cluster.Request{
		Cluster: s.cluster,
		Method:  "POST",
		Path:    "/json",
		Headers: [][2]string{{"content-type", "application/json"}},
		Body:    serviceBody(s.domain, req.Descriptor, req.Cost),
		Timeout: s.timeout,
	}
	err := cluster.Call(call, func(r cluster.Response, err error) {
		if err == nil && r.FromGateway() {
			err = fmt.Errorf("counter: ratelimit service unreachable: the gateway answered %d", r.Status)
		}
		if err != nil {
			done(Decision{}, err)
			return
		}
		done(parseServiceAnswer(r.Status, r.Body))
	})
	if err != nil {
		done(Decision{}, err)
		return false
	}
	return true
}

func (s *service) check(req Request) error {
	if err := req.validate(false); err != nil {
		return err
	}
	if req.Refund {
		return ErrRefundUnsupported
	}
	if req.Cost == 0 {
		return ErrReadUnsupported
	}
	if req.Cost > math.MaxUint32 {
		return errors.New("counter: the ratelimit service counts at most 2^32-1 hits at once")
	}
	return nil
}
