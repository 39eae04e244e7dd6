// Package sheetstest is a stand-in for the Google Sheets API v4 for tests.
//
// A [Server] is an httptest server that keeps spreadsheets in memory and
// answers the real client, google.golang.org/api/sheets/v4, with the
// library's own types on the wire, so code under test runs unchanged:
//
//	srv := sheetstest.New(t)
//	srv.AddSpreadsheet("sheet-1", "Ops", "en_US")
//	srv.AddSheet("sheet-1", "Subscriptions", 0, 0)
//	srv.SetCells("sheet-1", "Subscriptions!A1", [][]*sheets.CellData{
//		{sheetstest.String("customer_id"), sheetstest.String("start_date"), sheetstest.String("discount")},
//		{sheetstest.String("acme"), sheetstest.Date(2025, time.January, 10), sheetstest.Percent(0.2)},
//	})
//	svc := srv.Service() // or sheets.NewService(ctx, srv.ClientOptions()...)
//
// The cells of replies and of updateCells requests are encoded and decoded
// by hand rather than by encoding/json, several times faster, so that tests
// of large sheets run in seconds; the JSON is the same, and the package's
// tests compare the two on random cells.
//
// It behaves like Google where the bot depends on it:
//
//   - spreadsheets.get honours includeGridData, ranges and a "fields" mask
//     (which, as at Google, overrides includeGridData); cells carry
//     userEnteredValue, effectiveValue, formattedValue, userEnteredFormat
//     and effectiveFormat.
//   - spreadsheets.batchUpdate is atomic: requests apply in order to a copy
//     that replaces the spreadsheet only if all succeed; otherwise the
//     reply is Google's 400 naming the request ("Invalid
//     requests[3].updateCells: ..."). See [SupportedRequests].
//   - Google's limits: a new tab is 1000 × 26 cells, writes outside the grid
//     fail with "Range (...) exceeds grid limits", a spreadsheet holds at
//     most 10,000,000 cells, a request body at most 10 MiB.
//   - The values methods (get, batchGet, update, batchUpdate, clear,
//     batchClear) render FORMATTED_VALUE, UNFORMATTED_VALUE and FORMULA,
//     serial or formatted dates, trim trailing empty cells and rows, and
//     read USER_ENTERED input ("20%", "$1,200.00", "2025-01-10") as the
//     Sheets UI does.
//   - Merged cells (mergeCells, unmergeCells) come back as sheets[].merges
//     and keep only the top-left value, columns hidden with
//     updateDimensionProperties come back with hiddenByUser in
//     data[].columnMetadata, and a formula cell ([Formula]) carries its
//     userEnteredValue.formulaValue beside the result it was seeded with.
//   - Conditional format rules (addConditionalFormatRule,
//     deleteConditionalFormatRule) are kept per tab in priority order and
//     returned as sheets[].conditionalFormats; their ranges follow rows and
//     columns that are inserted or deleted, and they go with their tab.
//   - Unknown spreadsheets are 404 NOT_FOUND, forbidden ones 403
//     PERMISSION_DENIED ([Server.SetForbidden]), Office files stored in
//     Drive 400 FAILED_PRECONDITION ([Server.SetOfficeFile]);
//     [Server.FailNext] and [Server.SetLatency] inject 429/5xx replies and
//     slowness, [Server.LoseReplies] writes that Google applied but whose
//     replies were lost, and [Server.Hold] holds requests at a gate until
//     released.
//
// Tests assert on state ([Server.Spreadsheet]) and on the number of calls
// ([Server.Calls]), not on the order of requests. Formulas are stored but
// not evaluated; developer metadata lives on the spreadsheet or on a tab,
// not on rows or columns.
//
// Beside the stand-in, [Memory] is a source and sink held in memory, for
// tests that need one but not the API, and [RunContract] is the contract
// test that every adapter of the sheets package (a workbook, a Google
// spreadsheet, Memory) runs.
package sheetstest
