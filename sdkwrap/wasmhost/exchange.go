package wasmhost

// Exchange is one request and its answer, as a test or a benchmark plays them through a
// plugin with Plugin.Play.
type Exchange struct {
	Request Headers
	Body    []byte // the request body; nil sends none
	// Response is the upstream's answer; nil ends the stream after the request.
	Response     Headers
	ResponseBody []byte
}

// Play runs one whole stream: the request headers (and body), then, unless the plugin
// answered the request itself, the response headers (and body), then Complete. Each part is
// sent in one piece with its end-of-stream flag. The stream is returned for inspection.
func (p *Plugin) Play(x Exchange) (*Stream, error) {
	s := p.NewStream()
	if _, err := s.RequestHeaders(x.Request, x.Body == nil); err != nil {
		return s, err
	}
	if x.Body != nil {
		if _, err := s.RequestBody(x.Body, true); err != nil {
			return s, err
		}
	}
	if x.Response != nil && s.LocalResponse() == nil {
		if _, err := s.ResponseHeaders(x.Response, x.ResponseBody == nil); err != nil {
			return s, err
		}
		if x.ResponseBody != nil {
			if _, err := s.ResponseBody(x.ResponseBody, true); err != nil {
				return s, err
			}
		}
	}
	return s, s.Complete()
}
