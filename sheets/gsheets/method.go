package gsheets

import (
	"net/http"
	"strings"
)

// otherMethod names a request that is no Sheets API method apiMethod
// knows.
const otherMethod = "other"

// collectionVerbs are the custom verbs the Sheets API has on its
// collections, as in values:batchGet and developerMetadata:search.
var collectionVerbs = map[string]bool{
	"batchGet": true, "batchUpdate": true, "batchClear": true,
	"batchGetByDataFilter": true, "batchUpdateByDataFilter": true, "batchClearByDataFilter": true,
	"search": true,
}

// apiMethod names the Sheets API method req calls, the way sheetstest
// counts them: "spreadsheets.get", "spreadsheets.batchUpdate",
// "values.get", "values.batchGet", "developerMetadata.search", … It
// returns "other" for anything else, so that a metric labelled with it has
// a small, fixed set of values whatever the path holds.
//
// The path is read escaped: the Go client percent-encodes path parameters,
// so a literal ':' starts a custom verb and one inside a range is %3A.
func apiMethod(req *http.Request) string {
	p := req.URL.EscapedPath()
	// An endpoint such as MRRBOT_SHEETS_ENDPOINT may put a prefix first.
	i := strings.Index(p, "/v4/spreadsheets")
	if i < 0 {
		return otherMethod
	}
	rest := p[i+len("/v4/spreadsheets"):]
	if rest == "" {
		if req.Method == http.MethodPost {
			return "spreadsheets.create"
		}
		return otherMethod
	}
	rest, ok := strings.CutPrefix(rest, "/")
	if !ok || rest == "" {
		return otherMethod
	}
	id, sub, hasSub := strings.Cut(rest, "/")
	if !hasSub {
		_, verb, _ := strings.Cut(id, ":")
		switch {
		case verb == "" && req.Method == http.MethodGet:
			return "spreadsheets.get"
		case verb == "batchUpdate", verb == "getByDataFilter":
			return "spreadsheets." + verb
		}
		return otherMethod
	}
	coll, item, hasItem := strings.Cut(sub, "/")
	if !hasItem {
		name, verb, _ := strings.Cut(coll, ":")
		if (name == "values" || name == "developerMetadata") && collectionVerbs[verb] {
			return name + "." + verb
		}
		return otherMethod
	}
	switch coll {
	case "values":
		if j := strings.LastIndex(item, ":"); j >= 0 {
			if verb := item[j+1:]; verb == "append" || verb == "clear" {
				return "values." + verb
			}
			return otherMethod
		}
		switch req.Method {
		case http.MethodGet:
			return "values.get"
		case http.MethodPut:
			return "values.update"
		}
	case "developerMetadata":
		if req.Method == http.MethodGet && !strings.Contains(item, ":") {
			return "developerMetadata.get"
		}
	case "sheets":
		if strings.HasSuffix(item, ":copyTo") {
			return "sheets.copyTo"
		}
	}
	return otherMethod
}
