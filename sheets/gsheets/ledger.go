package gsheets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/mrrbot/mrrbot/sheets"
	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// This file keeps the Slack posting ledger with the data it reports on, so
// that a restart or a second host does not post the same digest twice.
// Ledger is a [sheets.Ledger], which notify's ledger also is, without this
// package importing notify.

// Metadata keys and titles of the Google ledger.
const (
	// metaPosted marks a claim tab; its value is the key, a space and the
	// note: "digest/C123/2026-10 posted 2026-11-01T09:00:00Z by host-a".
	metaPosted = "mrrbot.posted"
	// metaClaim holds a random token of the Claim call that made the tab,
	// so that a call whose request Google applied, but whose reply was
	// lost and retried, knows the tab is its own.
	metaClaim = "mrrbot.claim"
	// claimPrefix starts the title of every claim tab.
	claimPrefix = "_mrrbot_posted_"
)

// GoogleLedger records in a Google spreadsheet which digests were posted:
// one hidden 1 × 1 tab per key, titled "_mrrbot_posted_" and a hash of the
// key, that carries the key and its note as developer metadata (and in its
// only cell, for a person who unhides it). The tabs are the record and are
// kept; deleting one lets mrrbot post that digest again.
//
// Why a tab per key, and not developer metadata alone: the Sheets API has
// no compare-and-set, and metadata keys are not unique, so two hosts that
// each check for a key and then create it could both find nothing and both
// record it, and both post. Tab titles are the one thing Google keeps
// unique within a spreadsheet: of two batchUpdates that add a tab with the
// same title, exactly one succeeds and the other is refused whole. Claim is
// that single batchUpdate, so it is atomic across hosts.
//
// A GoogleLedger is safe for concurrent use.
type Ledger struct {
	g *Spreadsheet

	mu sync.Mutex
	// claimed holds the sheet IDs of the tabs this value's Claim calls
	// created, by key, so that Release deletes that very tab.
	claimed map[string]int64
}

// Ledger returns the posting ledger kept in g's spreadsheet.
func (g *Spreadsheet) Ledger() sheets.Ledger { return g.ledger() }

func (g *Spreadsheet) ledger() *Ledger {
	return &Ledger{g: g, claimed: make(map[string]int64)}
}

// claimTitle is the title of key's claim tab: a short, stable hash, since a
// key may be longer than a title may be or hold characters a title may
// not.
func claimTitle(key string) string {
	sum := sha256.Sum256([]byte(key))
	return claimPrefix + hex.EncodeToString(sum[:8])
}

// Claim reserves key with one batchUpdate that adds its hidden claim tab
// with the key and note as metadata. It returns true when the tab was
// added, and false with no error when a tab of that title exists: key was
// claimed before, here or on another host. Any other failure is an error,
// and nothing was claimed.
func (l *Ledger) Claim(ctx context.Context, key, note string) (bool, error) {
	if key == "" {
		return false, errors.New("claim: the ledger key is empty")
	}
	title := claimTitle(key)
	value := key
	if note != "" {
		value += " " + note
	}
	token := strconv.FormatUint(rand.Uint64(), 36)
	// Google will not take a sheet ID that is in use; among 2³¹ the
	// chance is negligible, and such a failure is an error, never a "no".
	id := rand.Int64N(1<<31-2) + 1
	text := value + " (mrrbot keeps this hidden tab so that it posts once; delete the tab to let it post again)"
	reqs := []*sheetsapi.Request{
		{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
			SheetId: id, Title: title, Hidden: true,
			GridProperties: &sheetsapi.GridProperties{RowCount: 1, ColumnCount: 1},
		}}},
		metadata(id, metaPosted, value),
		metadata(id, metaClaim, token),
		{UpdateCells: &sheetsapi.UpdateCellsRequest{
			Start:  &sheetsapi.GridCoordinate{SheetId: id, ForceSendFields: []string{"RowIndex", "ColumnIndex"}},
			Rows:   []*sheetsapi.RowData{{Values: []*sheetsapi.CellData{{UserEnteredValue: &sheetsapi.ExtendedValue{StringValue: &text}}}}},
			Fields: "userEnteredValue",
		}},
		{AddProtectedRange: &sheetsapi.AddProtectedRangeRequest{ProtectedRange: &sheetsapi.ProtectedRange{
			Range:       &sheetsapi.GridRange{SheetId: id},
			WarningOnly: true,
			Description: "mrrbot's record that it posted " + key + "; deleting this tab lets it post again",
		}}},
	}
	_, err := l.g.svc.Spreadsheets.BatchUpdate(l.g.id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: reqs}).Context(ctx).Do()
	if err == nil {
		l.remember(key, id)
		return true, nil
	}
	if !titleTaken(err, title) {
		return false, l.g.explain(fmt.Sprintf("claim %q", key), err)
	}
	// The tab exists. It is this call's own when the request was retried
	// after Google had applied it; then the claim is ours.
	tabs, err := l.claimTabs(ctx)
	if err != nil {
		return false, fmt.Errorf("claim %q: %w", key, err)
	}
	if ct, ok := tabs[title]; ok && ct.token == token {
		l.remember(key, ct.id)
		return true, nil
	}
	return false, nil
}

func (l *Ledger) remember(key string, id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.claimed[key] = id
}

// Release gives back a claim after a failed post by deleting key's claim
// tab: the one this ledger's Claim created, or, after a restart, the tab
// with key's claim title. Releasing a key that is not claimed does
// nothing.
func (l *Ledger) Release(ctx context.Context, key string) error {
	l.mu.Lock()
	id, ok := l.claimed[key]
	l.mu.Unlock()
	if !ok {
		tabs, err := l.claimTabs(ctx)
		if err != nil {
			return fmt.Errorf("release %q: %w", key, err)
		}
		ct, found := tabs[claimTitle(key)]
		if !found {
			return nil
		}
		id = ct.id
	}
	req := &sheetsapi.Request{DeleteSheet: &sheetsapi.DeleteSheetRequest{SheetId: id, ForceSendFields: []string{"SheetId"}}}
	_, err := l.g.svc.Spreadsheets.BatchUpdate(l.g.id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: []*sheetsapi.Request{req}}).Context(ctx).Do()
	// A tab that is gone was released already, perhaps by a person; a
	// later claim by another host has another sheet ID and is left alone.
	if err != nil && !noSuchSheet(err) {
		return l.g.explain(fmt.Sprintf("release %q", key), err)
	}
	l.mu.Lock()
	delete(l.claimed, key)
	l.mu.Unlock()
	return nil
}

// claimTab is what a tab holds of the ledger.
type claimTab struct {
	id           int64
	value, token string
}

// claimFields asks for each tab's ID, title and metadata, and no cells.
const claimFields = "sheets(properties(sheetId,title),developerMetadata(metadataKey,metadataValue))"

// claimTabs reads the tabs that carry claim metadata or a claim title, by
// title: one API call.
func (l *Ledger) claimTabs(ctx context.Context) (map[string]claimTab, error) {
	resp, err := l.g.svc.Spreadsheets.Get(l.g.id).Fields(claimFields).Context(ctx).Do()
	if err != nil {
		return nil, l.g.explain("read the posting ledger", err)
	}
	tabs := make(map[string]claimTab)
	for _, sh := range resp.Sheets {
		p := sh.Properties
		if p == nil {
			continue
		}
		ct := claimTab{id: p.SheetId}
		for _, md := range sh.DeveloperMetadata {
			switch md.MetadataKey {
			case metaPosted:
				ct.value = md.MetadataValue
			case metaClaim:
				ct.token = md.MetadataValue
			}
		}
		if ct.value != "" || ct.token != "" || strings.HasPrefix(p.Title, claimPrefix) {
			tabs[p.Title] = ct
		}
	}
	return tabs, nil
}

// titleTaken reports whether err is Google's refusal to add a tab titled
// title because one exists: 400 `A sheet with the name "…" already exists`.
func titleTaken(err error, title string) bool {
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != http.StatusBadRequest {
		return false
	}
	msg := strings.ToLower(ge.Message)
	return strings.Contains(msg, "already exists") && strings.Contains(msg, strings.ToLower(title))
}

// noSuchSheet reports whether err is Google's 400 for a sheet ID that no
// tab has.
func noSuchSheet(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusBadRequest && strings.Contains(ge.Message, "No sheet with id")
}
