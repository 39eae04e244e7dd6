package gsheets_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mrrbot/mrrbot/sheets/gsheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"google.golang.org/api/option"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// TestOnCallMethods sends each Sheets API request the Go client can make
// through a client with an OnCall hook, and checks that the hook names
// the method the way the stand-in counts it: one name per method, however
// the range or ID reads.
func TestOnCallMethods(t *testing.T) {
	const ssID = "method-names"
	srv := sheetstest.New(t)
	srv.AddSpreadsheet(ssID, "Methods", "en_US")
	srv.AddSheet(ssID, "My Tab", 10, 5)

	var got []string
	ctx := context.Background()
	hc, _, err := gsheets.NewHTTPClient(ctx, gsheets.AuthConfig{
		Endpoint:  srv.URL(),
		TokenFile: filepath.Join(t.TempDir(), "no-token.json"),
		Getenv:    func(string) string { return "" },
		OnCall:    func(method string) { got = append(got, method) },
	})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := sheetsapi.NewService(ctx, option.WithHTTPClient(hc), option.WithEndpoint(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ss := svc.Spreadsheets
	vr := &sheetsapi.ValueRange{Range: "'My Tab'!A1:B1", Values: [][]any{{"a", "b"}}}
	for _, tc := range []struct {
		want string
		call func() error
	}{
		{sheetstest.MethodGet, func() error { _, err := ss.Get(ssID).Do(); return err }},
		{sheetstest.MethodBatchUpdate, func() error {
			_, err := ss.BatchUpdate(ssID, &sheetsapi.BatchUpdateSpreadsheetRequest{}).Do()
			return err
		}},
		{sheetstest.MethodValuesGet, func() error { _, err := ss.Values.Get(ssID, "'My Tab'!A1:B2").Do(); return err }},
		{sheetstest.MethodValuesBatchGet, func() error { _, err := ss.Values.BatchGet(ssID).Ranges("'My Tab'!A1:B2").Do(); return err }},
		{sheetstest.MethodValuesUpdate, func() error {
			_, err := ss.Values.Update(ssID, vr.Range, vr).ValueInputOption("RAW").Do()
			return err
		}},
		{sheetstest.MethodValuesBatchUpdate, func() error {
			_, err := ss.Values.BatchUpdate(ssID, &sheetsapi.BatchUpdateValuesRequest{ValueInputOption: "RAW", Data: []*sheetsapi.ValueRange{vr}}).Do()
			return err
		}},
		{sheetstest.MethodValuesClear, func() error {
			_, err := ss.Values.Clear(ssID, "'My Tab'!A1:B2", &sheetsapi.ClearValuesRequest{}).Do()
			return err
		}},
		{sheetstest.MethodValuesBatchClear, func() error {
			_, err := ss.Values.BatchClear(ssID, &sheetsapi.BatchClearValuesRequest{Ranges: []string{"'My Tab'!A1:B2"}}).Do()
			return err
		}},
		{"values.append", func() error {
			_, err := ss.Values.Append(ssID, vr.Range, vr).ValueInputOption("RAW").Do()
			return err
		}},
		{sheetstest.MethodMetadataSearch, func() error {
			_, err := ss.DeveloperMetadata.Search(ssID, &sheetsapi.SearchDeveloperMetadataRequest{}).Do()
			return err
		}},
		{sheetstest.MethodMetadataGet, func() error { _, err := ss.DeveloperMetadata.Get(ssID, 7).Do(); return err }},
		{"sheets.copyTo", func() error {
			_, err := ss.Sheets.CopyTo(ssID, 0, &sheetsapi.CopySheetToAnotherSpreadsheetRequest{DestinationSpreadsheetId: "x"}).Do()
			return err
		}},
		{"spreadsheets.create", func() error { _, err := ss.Create(&sheetsapi.Spreadsheet{}).Do(); return err }},
	} {
		t.Run(tc.want, func(t *testing.T) {
			got = nil
			srv.ResetCalls()
			err := tc.call() // some methods are not implemented by the stand-in: only the name matters
			t.Logf("error, if any: %v", err)
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("OnCall got %q, want [%q]", got, tc.want)
			}
			// Where the stand-in knows the method, it names it the same.
			for method := range srv.Calls().ByMethod {
				if method != sheetstest.MethodUnknown && method != tc.want {
					t.Errorf("the stand-in counted %q, OnCall said %q", method, tc.want)
				}
			}
		})
	}
}
