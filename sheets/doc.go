// Package sheets reads subscription tables into the calc engine.
//
// Every source (a Google Sheet, a workbook, a CSV file) yields rows of typed
// [Cell] values through a [RowReader]. [Decode] is the one place that turns
// those rows into [calc.Subscription] values: it finds the header row,
// recognises the columns by their names (DESIGN.md, "The subscriptions
// tab"), reads each cell as the field it belongs to, and hands each row to a
// [calc.Book]. A row that cannot be read becomes a [calc.Issue] naming the
// row number the spreadsheet shows, the column and the reason; the row is
// left out and reading goes on. [DecodeFX] does the same for the FX table.
//
// [ReadCSV] and [ReadWorkbook] are the file sources. Decode is streaming and
// allocation-free on well-formed rows, so the cost of reading a large CSV is
// close to the cost of encoding/csv itself.
package sheets
