package fakellm

import (
	"fmt"
	"net/http"
	"strconv"
)

// apiError is one refusal; errorBody renders it in the shape of the API that was called.
type apiError struct {
	status  int
	message string
	code    string // OpenAI "code", Azure "code", Gemini ErrorInfo reason; "": the status's default
	param   string // OpenAI "param"; "": null
}

// The error bodies, as structs so their fields keep the real APIs' order.
type (
	openAIErrorBody struct {
		Error openAIErrorDetail `json:"error"`
	}
	openAIErrorDetail struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Param   any    `json:"param"` // string or null
		Code    any    `json:"code"`  // string or null
	}
	azureErrorBody struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	anthropicErrorBody struct {
		Type  string `json:"type"`
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"error"`
	}
	geminiErrorBody struct {
		Error struct {
			Code    int               `json:"code"`
			Message string            `json:"message"`
			Status  string            `json:"status"`
			Details []googleErrorInfo `json:"details,omitempty"`
		} `json:"error"`
	}
	googleErrorInfo struct {
		Type     string            `json:"@type"`
		Reason   string            `json:"reason"`
		Domain   string            `json:"domain"`
		Metadata map[string]string `json:"metadata"`
	}
)

// errorBody is the JSON body of e as api answers it.
func errorBody(api API, e apiError) any {
	switch api {
	case APIAzure:
		var b azureErrorBody
		b.Error.Code, b.Error.Message = e.code, e.message
		if b.Error.Code == "" {
			b.Error.Code = strconv.Itoa(e.status)
		}
		return b
	case APIAnthropic:
		var b anthropicErrorBody
		b.Type = "error"
		b.Error.Type, b.Error.Message = anthropicErrorType(e.status), e.message
		return b
	case APIGemini:
		var b geminiErrorBody
		b.Error.Code, b.Error.Message, b.Error.Status = e.status, e.message, googleStatus(e.status)
		if e.code != "" {
			b.Error.Details = []googleErrorInfo{{
				Type: "type.googleapis.com/google.rpc.ErrorInfo", Reason: e.code, Domain: "googleapis.com",
				Metadata: map[string]string{"service": "generativelanguage.googleapis.com"},
			}}
		}
		return b
	default:
		errType, code := openAIErrorKind(e.status)
		if e.code != "" {
			code = e.code
		}
		return openAIErrorBody{openAIErrorDetail{Message: e.message, Type: errType, Param: nullIfEmpty(e.param), Code: nullIfEmpty(code)}}
	}
}

// openAIErrorKind gives the "type" and default "code" OpenAI uses for a status.
func openAIErrorKind(status int) (errType, code string) {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_request_error", "invalid_api_key"
	case status == http.StatusTooManyRequests:
		return "requests", "rate_limit_exceeded"
	case status >= 500:
		return "server_error", ""
	default:
		return "invalid_request_error", ""
	}
}

// anthropicErrorType is the error.type Anthropic documents for a status.
func anthropicErrorType(status int) string {
	switch status {
	case 401:
		return "authentication_error"
	case 403:
		return "permission_error"
	case 404:
		return "not_found_error"
	case 413:
		return "request_too_large"
	case 429:
		return "rate_limit_error"
	case 529:
		return "overloaded_error"
	}
	if status >= 500 {
		return "api_error"
	}
	return "invalid_request_error"
}

// googleStatus is the google.rpc.Code name Google APIs put beside an HTTP status.
func googleStatus(status int) string {
	switch status {
	case 400:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 405, 501:
		return "UNIMPLEMENTED"
	case 409:
		return "ABORTED"
	case 413:
		return "OUT_OF_RANGE"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 499:
		return "CANCELLED"
	case 500:
		return "INTERNAL"
	case 503:
		return "UNAVAILABLE"
	case 504:
		return "DEADLINE_EXCEEDED"
	}
	if status >= 500 {
		return "UNKNOWN"
	}
	return "FAILED_PRECONDITION"
}

// injectedError is the refusal for a status asked for by a fault, worded like the real API's.
func injectedError(api API, status, retryAfter int) apiError {
	e := apiError{status: status, message: http.StatusText(status)}
	switch {
	case status == 429:
		e.message = map[API]string{
			APIOpenAI:    "Rate limit reached for requests. Please try again later.",
			APIAzure:     fmt.Sprintf("Requests have exceeded the call rate limit of your current pricing tier. Please retry after %d seconds.", max(retryAfter, 1)),
			APIAnthropic: "Number of requests has exceeded your rate limit. Please try again later.",
			APIGemini:    "Resource has been exhausted (e.g. check quota).",
		}[api]
	case status == 529 && api == APIAnthropic:
		e.message = "Overloaded"
	case status == 503 && api == APIGemini:
		e.message = "The model is overloaded. Please try again later."
	case status >= 500 && api == APIOpenAI:
		e.message = "The server had an error while processing your request. Sorry about that!"
	case status >= 500 && api == APIGemini:
		e.message = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
	}
	if e.message == "" { // a status net/http has no text for, such as 529 outside Anthropic
		e.message = fmt.Sprintf("Error %d", status)
	}
	return e
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
