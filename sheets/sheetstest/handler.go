package sheetstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	sheets "google.golang.org/api/sheets/v4"
)

// Method names, as Calls counts them.
const (
	MethodGet                = "spreadsheets.get"
	MethodBatchUpdate        = "spreadsheets.batchUpdate"
	MethodValuesGet          = "values.get"
	MethodValuesBatchGet     = "values.batchGet"
	MethodValuesUpdate       = "values.update"
	MethodValuesBatchUpdate  = "values.batchUpdate"
	MethodValuesClear        = "values.clear"
	MethodValuesBatchClear   = "values.batchClear"
	MethodMetadataGet        = "developerMetadata.get"
	MethodMetadataSearch     = "developerMetadata.search"
	MethodUnknown            = "unknown" // a path or verb the Sheets API does not have
	methodValuesAppend       = "values.append"
	methodGetByDataFilter    = "spreadsheets.getByDataFilter"
	methodValuesByDataFilter = "values.byDataFilter"
)

// responseTypes are what each method returns; a "fields" mask is checked
// against them before anything is done.
var responseTypes = map[string]reflect.Type{
	MethodGet:               reflect.TypeFor[sheets.Spreadsheet](),
	MethodBatchUpdate:       reflect.TypeFor[sheets.BatchUpdateSpreadsheetResponse](),
	MethodValuesGet:         reflect.TypeFor[sheets.ValueRange](),
	MethodValuesBatchGet:    reflect.TypeFor[sheets.BatchGetValuesResponse](),
	MethodValuesUpdate:      reflect.TypeFor[sheets.UpdateValuesResponse](),
	MethodValuesBatchUpdate: reflect.TypeFor[sheets.BatchUpdateValuesResponse](),
	MethodValuesClear:       reflect.TypeFor[sheets.ClearValuesResponse](),
	MethodValuesBatchClear:  reflect.TypeFor[sheets.BatchClearValuesResponse](),
	MethodMetadataGet:       reflect.TypeFor[sheets.DeveloperMetadata](),
	MethodMetadataSearch:    reflect.TypeFor[sheets.SearchDeveloperMetadataResponse](),
}

// isRead reports whether Google counts a method against the read quota.
func isRead(method string) bool {
	switch method {
	case MethodGet, MethodValuesGet, MethodValuesBatchGet, MethodMetadataGet, MethodMetadataSearch, methodGetByDataFilter:
		return true
	}
	return false
}

// route is a parsed request path.
type route struct {
	method string
	id     string // spreadsheet ID
	rng    string // the {range} of values/{range}
	metaID string // the {metadataId} of developerMetadata/{metadataId}
}

// parseRoute maps a request onto a Sheets API method. The Go client
// percent-encodes path parameters (a range 'My Tab'!A1:Z arrives as
// %27My%20Tab%27%21A1%3AZ), so the literal ':' that starts a custom verb
// is told apart from one inside a range by reading the escaped path.
func parseRoute(r *http.Request) (route, *apiError) {
	notFound := &apiError{code: http.StatusNotFound, status: statusNotFound,
		msg: "sheetstest: no Sheets API method at " + r.Method + " " + r.URL.EscapedPath()}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v4/spreadsheets/")
	if !ok || rest == "" {
		return route{method: MethodUnknown}, notFound
	}
	idPart, sub, hasSub := strings.Cut(rest, "/")
	var rt route
	verb := ""
	if !hasSub {
		if i := strings.LastIndex(idPart, ":"); i >= 0 {
			idPart, verb = idPart[:i], idPart[i+1:]
		}
	}
	id, err := url.PathUnescape(idPart)
	if err != nil || id == "" {
		return route{method: MethodUnknown}, notFound
	}
	rt.id = id
	want := ""
	switch {
	case !hasSub && verb == "":
		rt.method, want = MethodGet, http.MethodGet
	case !hasSub && verb == "batchUpdate":
		rt.method, want = MethodBatchUpdate, http.MethodPost
	case !hasSub && verb == "getByDataFilter":
		rt.method, want = methodGetByDataFilter, http.MethodPost
	case sub == "values:batchGet":
		rt.method, want = MethodValuesBatchGet, http.MethodGet
	case sub == "values:batchUpdate":
		rt.method, want = MethodValuesBatchUpdate, http.MethodPost
	case sub == "values:batchClear":
		rt.method, want = MethodValuesBatchClear, http.MethodPost
	case strings.HasPrefix(sub, "values:") && strings.HasSuffix(sub, "ByDataFilter"):
		rt.method, want = methodValuesByDataFilter, http.MethodPost
	case strings.HasPrefix(sub, "values/"):
		rng := strings.TrimPrefix(sub, "values/")
		v := ""
		if i := strings.LastIndex(rng, ":"); i >= 0 && (rng[i+1:] == "clear" || rng[i+1:] == "append") {
			rng, v = rng[:i], rng[i+1:]
		}
		if rt.rng, err = url.PathUnescape(rng); err != nil || rt.rng == "" {
			return route{method: MethodUnknown}, notFound
		}
		switch {
		case v == "clear":
			rt.method, want = MethodValuesClear, http.MethodPost
		case v == "append":
			rt.method, want = methodValuesAppend, http.MethodPost
		case r.Method == http.MethodPut:
			rt.method, want = MethodValuesUpdate, http.MethodPut
		default:
			rt.method, want = MethodValuesGet, http.MethodGet
		}
	case sub == "developerMetadata:search":
		rt.method, want = MethodMetadataSearch, http.MethodPost
	case strings.HasPrefix(sub, "developerMetadata/"):
		rt.metaID = strings.TrimPrefix(sub, "developerMetadata/")
		rt.method, want = MethodMetadataGet, http.MethodGet
	default:
		return route{method: MethodUnknown}, notFound
	}
	if r.Method != want {
		return route{method: MethodUnknown}, notFound
	}
	if responseTypes[rt.method] == nil {
		return rt, &apiError{code: http.StatusNotImplemented, status: statusUnimplemented,
			msg: "sheetstest does not implement " + rt.method}
	}
	return rt, nil
}

// ServeHTTP answers one Sheets API request. Every request is counted, then
// delayed by the latency set, then failed if a fault is pending, and only
// then served.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, routeErr := parseRoute(r)
	body, readErr := io.ReadAll(io.LimitReader(r.Body, MaxPayload+1))

	f, latency, gate := s.count(rt)
	if !wait(r, gate, latency) {
		return
	}
	switch {
	case f != nil:
		writeError(w, faultError(f.status, rt.method), f.retryAfter)
		return
	case readErr != nil:
		writeError(w, invalid("reading the request body: %v", readErr), 0)
		return
	case len(body) > MaxPayload:
		writeError(w, invalid("%s", msgPayload), 0)
		return
	case routeErr != nil:
		writeError(w, routeErr, 0)
		return
	}

	q := r.URL.Query()
	m, err := parseMask(q.Get("fields"))
	if err == nil {
		err = m.validate(responseTypes[rt.method])
	}
	if err != nil {
		writeError(w, err.(*apiError), 0)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.books[rt.id]
	switch {
	case b == nil:
		writeError(w, &apiError{code: http.StatusNotFound, status: statusNotFound, msg: msgNotFound}, 0)
		return
	case b.forbidden:
		writeError(w, &apiError{code: http.StatusForbidden, status: statusDenied, msg: msgForbidden}, 0)
		return
	case b.office:
		writeError(w, &apiError{code: http.StatusBadRequest, status: statusPrecondition, msg: msgOfficeFile, reason: "failedPrecondition"}, 0)
		return
	}
	v, aerr := s.dispatch(b, rt, q, body, m)
	if aerr != nil {
		writeError(w, aerr, 0)
		return
	}
	if rt.method == MethodBatchUpdate && s.lost.n > 0 {
		s.lost.n--
		writeError(w, faultError(s.lost.status, rt.method), 0)
		return
	}
	data, jerr := encodeResponse(v, m)
	if jerr != nil {
		writeError(w, &apiError{code: http.StatusInternalServerError, status: statusInternal, msg: "sheetstest: encoding the response: " + jerr.Error()}, 0)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Write(data)
}

// count counts a request and returns the fault it meets, if any, and the
// gate and latency it waits for.
func (s *Server) count(rt route) (f *fault, latency time.Duration, gate chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.calls[rt.method]++
	if s.fault.after > 0 {
		s.fault.after--
	} else if s.fault.n > 0 {
		s.fault.n--
		copied := s.fault
		f = &copied
	}
	return f, s.latency, s.gate
}

// wait holds r at gate, when there is one, then for latency, and reports
// whether r is still wanted: a request whose context ends gets no reply.
func wait(r *http.Request, gate chan struct{}, latency time.Duration) bool {
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return false
		}
	}
	if latency > 0 {
		timer := time.NewTimer(latency)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return false
		}
	}
	return true
}

// decode reads a JSON request body into v.
func decode(body []byte, v any) *apiError {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return invalid("Invalid JSON payload received. %v", err)
	}
	return nil
}

// dispatch serves a routed request against b; writes go to a clone of b
// that replaces it only when the whole request succeeded. s.mu is held.
func (s *Server) dispatch(b *book, rt route, q url.Values, body []byte, m *mask) (any, *apiError) {
	switch rt.method {
	case MethodGet:
		grid := q.Get("includeGridData") == "true"
		if m != nil {
			grid = m.selects("sheets", "data") // a mask overrides includeGridData
		}
		return b.spreadsheet(q["ranges"], grid)

	case MethodBatchUpdate:
		var req struct {
			Requests                     []json.RawMessage `json:"requests"`
			IncludeSpreadsheetInResponse bool              `json:"includeSpreadsheetInResponse"`
			ResponseRanges               []string          `json:"responseRanges"`
			ResponseIncludeGridData      bool              `json:"responseIncludeGridData"`
		}
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		work := b.clone()
		replies, err := work.applyBatch(req.Requests)
		if err != nil {
			return nil, err
		}
		resp := &sheets.BatchUpdateSpreadsheetResponse{SpreadsheetId: b.id, Replies: replies}
		if req.IncludeSpreadsheetInResponse {
			grid := req.ResponseIncludeGridData
			if m != nil {
				grid = m.selects("updatedSpreadsheet", "sheets", "data")
			}
			if resp.UpdatedSpreadsheet, err = work.spreadsheet(req.ResponseRanges, grid); err != nil {
				return nil, err
			}
		}
		s.books[b.id] = work
		return resp, nil

	case MethodValuesGet:
		o, err := queryValueOpts(q)
		if err != nil {
			return nil, err
		}
		return b.getValues(rt.rng, o)

	case MethodValuesBatchGet:
		o, err := queryValueOpts(q)
		if err != nil {
			return nil, err
		}
		resp := &sheets.BatchGetValuesResponse{SpreadsheetId: b.id}
		for _, rng := range q["ranges"] {
			vr, err := b.getValues(rng, o)
			if err != nil {
				return nil, err
			}
			resp.ValueRanges = append(resp.ValueRanges, vr)
		}
		return resp, nil

	case MethodValuesUpdate:
		userEntered, err := checkInputOption(q.Get("valueInputOption"))
		if err != nil {
			return nil, err
		}
		var vr sheets.ValueRange
		if err := decode(body, &vr); err != nil {
			return nil, err
		}
		var respOpts *valueOpts
		if q.Get("includeValuesInResponse") == "true" {
			o, err := readValueOpts(q.Get("responseValueRenderOption"), q.Get("responseDateTimeRenderOption"), "")
			if err != nil {
				return nil, err
			}
			respOpts = &o
		}
		work := b.clone()
		resp, err := work.writeValues(rt.rng, &vr, userEntered, respOpts)
		if err != nil {
			return nil, err
		}
		s.books[b.id] = work
		return resp, nil

	case MethodValuesBatchUpdate:
		var req sheets.BatchUpdateValuesRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		userEntered, err := checkInputOption(req.ValueInputOption)
		if err != nil {
			return nil, err
		}
		var respOpts *valueOpts
		if req.IncludeValuesInResponse {
			o, err := readValueOpts(req.ResponseValueRenderOption, req.ResponseDateTimeRenderOption, "")
			if err != nil {
				return nil, err
			}
			respOpts = &o
		}
		work := b.clone()
		resp := &sheets.BatchUpdateValuesResponse{SpreadsheetId: b.id}
		sheetsTouched := map[string]bool{}
		for i, vr := range req.Data {
			if vr == nil || vr.Range == "" {
				return nil, invalid("Invalid data[%d]: range must be set", i)
			}
			u, err := work.writeValues(vr.Range, vr, userEntered, respOpts)
			if err != nil {
				return nil, err.prefixed("Invalid data[" + strconv.Itoa(i) + "]: ")
			}
			resp.Responses = append(resp.Responses, u)
			resp.TotalUpdatedCells += u.UpdatedCells
			resp.TotalUpdatedRows += u.UpdatedRows
			resp.TotalUpdatedColumns += u.UpdatedColumns
			if u.UpdatedCells > 0 {
				title, _, _ := strings.Cut(u.UpdatedRange, "!")
				sheetsTouched[title] = true
			}
		}
		resp.TotalUpdatedSheets = int64(len(sheetsTouched))
		s.books[b.id] = work
		return resp, nil

	case MethodValuesClear:
		work := b.clone()
		cleared, err := work.clearValues(rt.rng)
		if err != nil {
			return nil, err
		}
		s.books[b.id] = work
		return &sheets.ClearValuesResponse{SpreadsheetId: b.id, ClearedRange: cleared}, nil

	case MethodValuesBatchClear:
		var req sheets.BatchClearValuesRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		work := b.clone()
		resp := &sheets.BatchClearValuesResponse{SpreadsheetId: b.id}
		for _, rng := range req.Ranges {
			cleared, err := work.clearValues(rng)
			if err != nil {
				return nil, err
			}
			resp.ClearedRanges = append(resp.ClearedRanges, cleared)
		}
		s.books[b.id] = work
		return resp, nil

	case MethodMetadataGet:
		id, err := strconv.ParseInt(rt.metaID, 10, 64)
		if err != nil {
			return nil, invalid("Invalid value at 'metadata_id' (TYPE_INT32), %q", rt.metaID)
		}
		md := b.metadataByID(id)
		if md == nil {
			return nil, &apiError{code: http.StatusNotFound, status: statusNotFound, msg: msgNotFound}
		}
		return md, nil

	case MethodMetadataSearch:
		var req sheets.SearchDeveloperMetadataRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return b.search(req.DataFilters)
	}
	return nil, &apiError{code: http.StatusNotImplemented, status: statusUnimplemented, msg: "sheetstest does not implement " + rt.method}
}
