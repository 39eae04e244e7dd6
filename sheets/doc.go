// Package sheets is the table contract between a subscriptions sheet and
// the calc engine: typed cells and the tab model the bot writes, header
// recognition, reading cells as dates, amounts and discounts, row
// validation, FX rates, the CSV reader and the history tab's codec; and
// the [Source] and [Sink] interfaces through which mrrbot reads and
// writes a spreadsheet or a workbook.
//
// Every source (a Google Sheet, a workbook, a CSV file) yields rows of typed
// [Cell] values through a [RowReader]. [Loaded.Decode] is the one place that turns
// those rows into [calc.Subscription] values: it finds the header row,
// recognises the columns by their names, reads each cell as the field it
// belongs to, and hands each row to a [calc.Book]. A text number or date
// that reads two ways (1.200, 03/04/2025) is settled by the evidence of its
// own column, or by the locale, or is a row problem: never a guess. A row
// that cannot be read becomes a [calc.Issue] naming the row number the
// spreadsheet shows, the column as its header names it and the reason; the
// row is left out and reading goes on. [DecodeFX] does the same for the FX
// table. [Loaded] reads a source's tables in the one order every source
// reads them in.
//
// [ReadCSV] and [CSVFile] are the CSV source. Decode is streaming and
// allocation-free on well-formed rows, so the cost of reading a large CSV
// is close to the cost of encoding/csv itself.
//
// The adapters live beside this package and import it, never the other
// way: sheets/xlsx (workbooks, the only importer of excelize),
// sheets/gsheets (Google Sheets, the only importer of the Sheets API), and
// sheets/sheetstest (the API's stand-in, an in-memory source and sink, and
// the contract test every adapter runs). This package imports only the
// standard library, calc and decimal, so what renders tabs (report)
// compiles neither.
package sheets
