package gsheets

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/api/googleapi"
)

// This file turns the Sheets API's errors into what a person does about
// them: Problem for `mrrbot doctor`, which prints what is wrong and the
// fix on lines of their own, and explain for every other command, whose
// error says both.

// Problem says why the spreadsheet did not open, given the error of
// Layout, and what to do about it.
func (g *Spreadsheet) Problem(err error) (what, fix string) {
	id, who := g.id, g.identity
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return "cannot open the spreadsheet: " + err.Error(),
			"check the network, MRRBOT_SHEETS_ENDPOINT if it is set, and the credentials above"
	}
	switch ge.Code {
	case http.StatusBadRequest:
		if officeFile(ge) {
			return fmt.Sprintf("spreadsheet %s is an Excel file stored in Google Drive, which the Sheets API cannot read or write", id),
				"open it in Google Sheets, choose File → Save as Google Sheets, and give mrrbot the new spreadsheet's ID or URL"
		}
	case http.StatusNotFound:
		return fmt.Sprintf("spreadsheet %s not found", id),
			fmt.Sprintf("the ID %q is wrong: copy it from the spreadsheet's URL, https://docs.google.com/spreadsheets/d/ID/edit (or give the whole URL), into --spreadsheet or MRRBOT_SPREADSHEET", id)
	case http.StatusForbidden:
		if apiDisabled(ge) {
			return "the Google Sheets API is not enabled for the credentials' Google Cloud project",
				"enable it at https://console.cloud.google.com/apis/library/sheets.googleapis.com in that project, wait a minute, and run doctor again"
		}
		return fmt.Sprintf("no access to spreadsheet %s", id), "share the spreadsheet with " + shareWith(who) + " as an Editor"
	case http.StatusUnauthorized:
		return "Google refused the credentials",
			"run \"mrrbot auth login\" again, or give a current service account key in GOOGLE_APPLICATION_CREDENTIALS (a deleted key stops working)"
	}
	return "cannot open the spreadsheet: " + err.Error(), "wait a minute and run doctor again; if it persists, check https://www.google.com/appsstatus"
}

// shareWith names the account the spreadsheet must be shared with.
func shareWith(who Identity) string {
	switch {
	case who.Email != "":
		return who.Email
	case who.Kind == "saved login" || who.Kind == "user credentials":
		return "the Google account you signed in with (\"mrrbot auth login\")"
	case who.Kind == "none":
		return "the account mrrbot runs as (set GOOGLE_APPLICATION_CREDENTIALS or run \"mrrbot auth login\" first)"
	}
	return "the account of the application default credentials"
}

// apiDisabled reports whether a 403 says the Sheets API is off in the
// project, rather than that the spreadsheet is not shared.
func apiDisabled(ge *googleapi.Error) bool {
	for _, e := range ge.Errors {
		if e.Reason == "accessNotConfigured" {
			return true
		}
	}
	return strings.Contains(ge.Message, "has not been used in project") || strings.Contains(ge.Message, "SERVICE_DISABLED")
}

// explain turns an API error into one that says what to do.
func (g *Spreadsheet) explain(op string, err error) error {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch ge.Code {
	case http.StatusBadRequest:
		if officeFile(ge) {
			return fmt.Errorf("%s: %s: %w", op, officeFileAdvice(g.id), err)
		}
	case http.StatusNotFound:
		return fmt.Errorf("%s: spreadsheet %s was not found; check the ID or URL given with --spreadsheet: %w", op, g.id, err)
	case http.StatusForbidden:
		if g.identity.Email != "" {
			return fmt.Errorf("%s: no access to spreadsheet %s; share it with %s as an Editor: %w", op, g.id, g.identity.Email, err)
		}
		return fmt.Errorf("%s: no access to spreadsheet %s; share it with the account mrrbot runs as (the service account's e-mail, or the one you logged in with), as an Editor: %w", op, g.id, err)
	case http.StatusUnauthorized:
		return fmt.Errorf("%s: Google refused the credentials; run `mrrbot auth login` again or check GOOGLE_APPLICATION_CREDENTIALS: %w", op, err)
	case http.StatusTooManyRequests:
		return fmt.Errorf("%s: Google's quota is exhausted even after retrying; wait a minute and run again: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// officeFile reports whether a 400 is Google's answer about an .xlsx (or
// .ods) uploaded to Drive and not converted: Sheets opens such a file for
// a person, the API cannot.
func officeFile(ge *googleapi.Error) bool {
	return strings.Contains(ge.Message, "not supported for this document")
}

// officeFileAdvice says what to do about an Office file in Drive.
func officeFileAdvice(id string) string {
	return fmt.Sprintf("spreadsheet %s is an Excel file stored in Google Drive, which the Sheets API cannot read or write; open it in Google Sheets, choose File → Save as Google Sheets, and give mrrbot the new spreadsheet's ID or URL", id)
}
