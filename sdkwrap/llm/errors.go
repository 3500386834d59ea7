package llm

// RequestError is a request the translation refuses: malformed, or asking for something the
// target API cannot do. It is the client's doing, so the plugin answers 400 with Error() as
// the message. Field is the JSON path of the offending value in the client's request, such as
// "messages[2].content".
type RequestError struct {
	Field  string
	Reason string
}

func (e *RequestError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// UpstreamError is a provider response the translation cannot read: not JSON, or not shaped
// as the provider documents. It is not the client's doing: the plugin answers 502. Field is
// the JSON path in the provider's body.
type UpstreamError struct {
	Field  string
	Reason string
}

func (e *UpstreamError) Error() string {
	if e.Field == "" {
		return "upstream response: " + e.Reason
	}
	return "upstream response: " + e.Field + ": " + e.Reason
}

func requestErr(field, reason string) error  { return &RequestError{Field: field, Reason: reason} }
func upstreamErr(field, reason string) error { return &UpstreamError{Field: field, Reason: reason} }
