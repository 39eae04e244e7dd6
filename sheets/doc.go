// Package sheets reads subscription tables into the calc engine.
//
// Every source (a Google Sheet, a workbook, a CSV file) yields rows of typed
// [Cell] values through a [RowReader]. [Decode] is the one place that turns
// those rows into [calc.Subscription] values: it finds the header row,
// recognises the columns by their names, reads each cell as the field it
// belongs to, and hands each row to a [calc.Book]. A text number or date
// that reads two ways (1.200, 03/04/2025) is settled by the evidence of its
// own column, or by the locale, or is a row problem: never a guess. A row
// that cannot be read becomes a [calc.Issue] naming the row number the
// spreadsheet shows, the column as its header names it and the reason; the
// row is left out and reading goes on. [DecodeFX] does the same for the FX table.
//
// [ReadCSV] is the CSV source. Decode is streaming and allocation-free on
// well-formed rows, so the cost of reading a large CSV is close to the cost
// of encoding/csv itself.
package sheets
