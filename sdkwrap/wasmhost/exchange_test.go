package wasmhost

import (
	"strconv"
	"testing"
)

func TestPlayRunsAWholeStream(t *testing.T) {
	p := newProbe(t, "")
	s, err := p.Play(Exchange{
		Request:      with(getRequest, ":method", "POST"),
		Body:         []byte("hi"),
		Response:     H(":status", "200"),
		ResponseBody: []byte("ok"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, body := s.UpstreamRequest(); string(body) != "HI" {
		t.Fatalf("upstream body %q", body)
	}
	if _, body := s.ClientResponse(); string(body) != "ok<end>" {
		t.Fatalf("client body %q", body)
	}
	if !p.LogContains("stream " + strconv.Itoa(int(s.ID())) + " done") {
		t.Fatal("the stream was not completed")
	}
	// A local answer ends the exchange: no response is played.
	denied, err := p.Play(Exchange{Request: with(getRequest, "x-deny", "1"), Response: H(":status", "200")})
	if err != nil || denied.LocalResponse() == nil || denied.LocalResponse().Status != 403 {
		t.Fatalf("denied: %v %+v", err, denied.LocalResponse())
	}
	// What the client gets is the local answer, through the plugin's response callbacks
	// as in Envoy, and not the upstream's 200.
	if h, _ := denied.ClientResponse(); h.Value(":status") != "403" {
		t.Fatalf("the client got %v, not the local answer", h)
	}
}
