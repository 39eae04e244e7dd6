package sheetstest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Google's canonical status names, as they appear in error bodies.
const (
	statusInvalid       = "INVALID_ARGUMENT"
	statusNotFound      = "NOT_FOUND"
	statusDenied        = "PERMISSION_DENIED"
	statusExhausted     = "RESOURCE_EXHAUSTED"
	statusInternal      = "INTERNAL"
	statusUnavailable   = "UNAVAILABLE"
	statusUnimplemented = "UNIMPLEMENTED"
	statusPrecondition  = "FAILED_PRECONDITION"
)

// Messages Google sends, word for word.
const (
	msgNotFound  = "Requested entity was not found."
	msgForbidden = "The caller does not have permission"
	msgPayload   = "Request payload size exceeds the limit: 10485760 bytes."
	msgCellLimit = "This action would increase the number of cells in the workbook above the limit of %d cells."
	// msgOfficeFile is Google's answer about an Office file stored in Drive
	// (an .xlsx uploaded and not converted), with the reason
	// "failedPrecondition".
	msgOfficeFile = "This operation is not supported for this document"
)

// apiError is an error the server answers with, in Google's JSON shape.
type apiError struct {
	code   int
	status string
	msg    string
	reason string // errors[].reason; "" for the code's usual one
}

func (e *apiError) Error() string { return e.msg }

// invalid is a 400 INVALID_ARGUMENT error.
func invalid(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, status: statusInvalid, msg: fmt.Sprintf(format, args...)}
}

// prefixed returns e with its message prefixed, as Google names the failing
// request of a batch: "Invalid requests[3].updateCells: ...".
func (e *apiError) prefixed(prefix string) *apiError {
	return &apiError{code: e.code, status: e.status, msg: prefix + e.msg}
}

// errorBody is the JSON Google sends with every error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    int         `json:"code"`
	Message string      `json:"message"`
	Errors  []errorItem `json:"errors,omitempty"`
	Status  string      `json:"status"`
}

type errorItem struct {
	Message string `json:"message"`
	Domain  string `json:"domain"`
	Reason  string `json:"reason"`
}

// reasons are the legacy "errors[].reason" values the Go client exposes as
// googleapi.Error.Errors.
var reasons = map[int]string{
	400: "badRequest",
	403: "forbidden",
	404: "notFound",
	429: "rateLimitExceeded",
	500: "backendError",
	501: "notImplemented",
	502: "backendError",
	503: "backendError",
	504: "backendError",
}

// writeError sends e; a positive retryAfter is sent as Retry-After in
// whole seconds.
func writeError(w http.ResponseWriter, e *apiError, retryAfter time.Duration) {
	reason := e.reason
	if reason == "" {
		reason = reasons[e.code]
	}
	if reason == "" {
		reason = "unknown"
	}
	body, _ := json.Marshal(errorBody{Error: errorDetail{
		Code:    e.code,
		Message: e.msg,
		Errors:  []errorItem{{Message: e.msg, Domain: "global", Reason: reason}},
		Status:  e.status,
	}})
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	if retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter.Seconds()))))
	}
	w.WriteHeader(e.code)
	w.Write(body)
}

// faultError is the error Google sends with an HTTP status that a test
// injects.
func faultError(code int, method string) *apiError {
	switch code {
	case http.StatusTooManyRequests:
		quota := "Write requests"
		if isRead(method) {
			quota = "Read requests"
		}
		return &apiError{code: code, status: statusExhausted, msg: fmt.Sprintf(
			"Quota exceeded for quota metric '%s' and limit '%s per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
			quota, quota)}
	case http.StatusInternalServerError:
		return &apiError{code: code, status: statusInternal, msg: "Internal error encountered."}
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		return &apiError{code: code, status: statusUnavailable, msg: "The service is currently unavailable."}
	case http.StatusGatewayTimeout:
		return &apiError{code: code, status: "DEADLINE_EXCEEDED", msg: "The request timed out. Please try again."}
	case http.StatusBadRequest:
		return invalid("Request contains an invalid argument.")
	case http.StatusForbidden:
		return &apiError{code: code, status: statusDenied, msg: msgForbidden}
	case http.StatusNotFound:
		return &apiError{code: code, status: statusNotFound, msg: msgNotFound}
	}
	return &apiError{code: code, status: "UNKNOWN", msg: http.StatusText(code)}
}
