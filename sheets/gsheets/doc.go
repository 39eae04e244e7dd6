// Package gsheets keeps subscriptions in a Google spreadsheet, through the
// Sheets API v4: [Spreadsheet] reads the layout and the cells as a
// [sheets.Source], writes the bot's tabs in one atomic batchUpdate (or
// through hidden staging tabs when they are too large) as a [sheets.Sink],
// and keeps the posting ledger in hidden claim tabs ([Ledger]).
//
// It owns everything between mrrbot and Google: finding credentials
// ([NewHTTPClient]: a key file, the login that [Login] saved, application
// default credentials), `mrrbot auth login` itself, the one place Sheets
// requests are retried ([Retry]), and turning the API's errors into what a
// person should do ([Spreadsheet.Problem], and the errors of every call).
//
// This is the only package of mrrbot that imports the Sheets API and
// oauth2; sheets/sheetstest is the stand-in its tests talk to.
package gsheets
