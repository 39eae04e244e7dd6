package gsheets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/gsheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// ledger is the posting ledger's interface.
type ledger = sheets.Ledger

var _ ledger = (*gsheets.Ledger)(nil)

const (
	ledgerKey  = "digest/C123/2026-10"
	ledgerNote = "posted 2026-11-01T09:00:00Z by host-a"
)

// claimExpect claims key and fails the test unless the answer is want.
func claimExpect(t *testing.T, l ledger, key string, want bool) {
	t.Helper()
	got, err := l.Claim(context.Background(), key, ledgerNote)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	if got != want {
		t.Fatalf("Claim(%q) = %v, want %v", key, got, want)
	}
}

// claimConcurrently claims key from n ledgers at once and returns how many
// claims succeeded; every claim must answer without an error.
func claimConcurrently(t *testing.T, n int, newLedger func() ledger, key func(i int) string) int {
	t.Helper()
	var won atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		l := newLedger()
		wg.Go(func() {
			<-start
			ok, err := l.Claim(context.Background(), key(i), fmt.Sprintf("posted by host-%d", i))
			if err != nil {
				t.Errorf("host %d: Claim: %v", i, err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	return int(won.Load())
}

// seedLedgerSheet is a spreadsheet as sync leaves it: the person's tabs
// (Subscriptions, FX, Notes) and the bot's summary tabs.
func seedLedgerSheet(t *testing.T) *sheetstest.Server {
	t.Helper()
	srv := sheetstest.New(t)
	seedGenerated(t, srv, 40, 15)
	// One unreadable row, so that every bot tab has rows. (A Data Issues
	// tab with none cannot be written at present: see the report.)
	bad := make([]*sheetsapi.CellData, len(calctest.Header))
	for i := range bad {
		bad[i] = sheetstest.String("??")
	}
	srv.SetCells(id, "Subscriptions!A42", [][]*sheetsapi.CellData{bad})
	srv.AddSheet(id, "Notes", 0, 0)
	srv.SetCells(id, "Notes!A1", [][]*sheetsapi.CellData{{sheetstest.String("remember to chase acme")}})
	syncOnce(t, newGoogle(t, srv))
	return srv
}

// claimSheets splits the stand-in's tabs into claim tabs and the others.
func claimSheets(t *testing.T, srv *sheetstest.Server) (claims, others []*sheetsapi.Sheet) {
	t.Helper()
	for _, sh := range srv.Spreadsheet(id).Sheets {
		if strings.HasPrefix(sh.Properties.Title, "_mrrbot_posted_") {
			claims = append(claims, sh)
		} else {
			others = append(others, sh)
		}
	}
	return claims, others
}

// checkUnchanged compares tabs as the API renders them; cmp.Diff only
// explains a difference, since it is slow on a whole spreadsheet.
func checkUnchanged(t *testing.T, before, after []*sheetsapi.Sheet) {
	t.Helper()
	b, err := json.Marshal(before)
	if err != nil {
		t.Fatal(err)
	}
	a, err := json.Marshal(after)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, a) {
		t.Errorf("the other tabs changed (-before +after):\n%s", cmp.Diff(before, after))
	}
}

func TestGoogleLedger(t *testing.T) {
	srv := seedLedgerSheet(t)
	_, before := claimSheets(t, srv)
	g := newGoogle(t, srv)
	l := g.Ledger()

	srv.ResetCalls()
	claimExpect(t, l, ledgerKey, true)
	if c := srv.Calls(); c.Total != 1 {
		t.Errorf("a claim made %d calls, want 1: %v", c.Total, c.ByMethod)
	}
	claimExpect(t, l, ledgerKey, false)
	// Another host, with its own client, sees the claim too.
	claimExpect(t, newGoogle(t, srv).Ledger(), ledgerKey, false)

	claims, after := claimSheets(t, srv)
	if len(claims) != 1 {
		t.Fatalf("%d claim tabs, want 1", len(claims))
	}
	tab := claims[0]
	if p := tab.Properties; !p.Hidden || p.GridProperties.RowCount != 1 || p.GridProperties.ColumnCount != 1 {
		t.Errorf("claim tab %q: hidden=%v grid=%d×%d, want a hidden 1×1 tab", p.Title, p.Hidden, p.GridProperties.RowCount, p.GridProperties.ColumnCount)
	}
	var posted string
	for _, md := range tab.DeveloperMetadata {
		if md.MetadataKey == "mrrbot.posted" {
			posted = md.MetadataValue
		}
	}
	if want := ledgerKey + " " + ledgerNote; posted != want {
		t.Errorf("claim tab metadata mrrbot.posted = %q, want %q", posted, want)
	}
	if len(tab.ProtectedRanges) != 1 || !tab.ProtectedRanges[0].WarningOnly {
		t.Errorf("claim tab protected ranges = %+v, want one that only warns", tab.ProtectedRanges)
	}
	checkUnchanged(t, before, after)

	if err := l.Release(context.Background(), ledgerKey); err != nil {
		t.Fatal(err)
	}
	if claims, _ := claimSheets(t, srv); len(claims) != 0 {
		t.Errorf("%d claim tabs after Release, want 0", len(claims))
	}
	claimExpect(t, l, ledgerKey, true)

	// After a restart the claim is released by its title.
	if err := newGoogle(t, srv).Ledger().Release(context.Background(), ledgerKey); err != nil {
		t.Fatal(err)
	}
	claimExpect(t, newGoogle(t, srv).Ledger(), ledgerKey, true)
	// The first ledger's remembered tab is gone; its Release leaves the
	// claim another host made alone.
	if err := l.Release(context.Background(), ledgerKey); err != nil {
		t.Fatal(err)
	}
	if claims, _ := claimSheets(t, srv); len(claims) != 1 {
		t.Errorf("%d claim tabs, want the other host's 1", len(claims))
	}
	// Releasing what was never claimed does nothing.
	if err := l.Release(context.Background(), "digest/C999/2020-01"); err != nil {
		t.Errorf("Release of an unclaimed key: %v", err)
	}
	_, after = claimSheets(t, srv)
	checkUnchanged(t, before, after)
}

func TestGoogleLedgerConcurrent(t *testing.T) {
	srv := seedLedgerSheet(t)
	const hosts = 8
	won := claimConcurrently(t, hosts, func() ledger { return newGoogle(t, srv).Ledger() }, func(int) string { return ledgerKey })
	if won != 1 {
		t.Errorf("%d of %d hosts claimed the same key, want exactly 1", won, hosts)
	}
	if claims, _ := claimSheets(t, srv); len(claims) != 1 {
		t.Errorf("%d claim tabs, want 1", len(claims))
	}
}

func TestGoogleLedgerForbidden(t *testing.T) {
	srv := seedLedgerSheet(t)
	l := newGoogle(t, srv).Ledger()
	srv.SetForbidden(id, true)
	ok, err := l.Claim(context.Background(), ledgerKey, ledgerNote)
	var ge *googleapi.Error
	if ok || !errors.As(err, &ge) || ge.Code != http.StatusForbidden {
		t.Fatalf("Claim on a forbidden sheet = %v, %v; want false and the 403", ok, err)
	}
	if !strings.Contains(err.Error(), "share it with") {
		t.Errorf("error %q does not say what to do", err)
	}
	if err := l.Release(context.Background(), ledgerKey); err == nil {
		t.Error("Release on a forbidden sheet: no error")
	}
	if _, err := newGoogle(t, srv).PostedKeys(context.Background()); err == nil {
		t.Error("PostedKeys on a forbidden sheet: no error")
	}
}

func TestGoogleLedgerOtherErrors(t *testing.T) {
	srv := seedLedgerSheet(t)
	l := newGoogle(t, srv).Ledger()
	// A 400 that is not about the title is an error, not a "no".
	srv.FailNext(1, http.StatusBadRequest, 0)
	if ok, err := l.Claim(context.Background(), ledgerKey, ledgerNote); ok || err == nil {
		t.Errorf("Claim after a 400 = %v, %v; want an error", ok, err)
	}
	if ok, err := l.Claim(context.Background(), "", ledgerNote); ok || err == nil {
		t.Errorf("Claim of an empty key = %v, %v; want an error", ok, err)
	}
	claimExpect(t, l, ledgerKey, true)
}

// loseFirstWrite applies the first batchUpdate and then answers 503, as
// when Google's reply is lost on the way back.
type loseFirstWrite struct {
	base http.RoundTripper
	lost atomic.Bool
}

func (l *loseFirstWrite) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, ":batchUpdate") || !l.lost.CompareAndSwap(false, true) {
		return resp, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return &http.Response{
		StatusCode: http.StatusServiceUnavailable,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(`{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`)),
		Request:    req,
	}, nil
}

// TestGoogleLedgerRetriedClaim: the Retry transport sends a claim again
// after a 503 that Google had applied; the claim is still this host's.
func TestGoogleLedgerRetriedClaim(t *testing.T) {
	srv := seedLedgerSheet(t)
	transport := &gsheets.Retry{
		Base:  &loseFirstWrite{base: &http.Transport{}},
		Sleep: func(context.Context, time.Duration) error { return nil },
	}
	l := newGoogleVia(t, srv, &http.Client{Transport: transport}).Ledger()
	claimExpect(t, l, ledgerKey, true)
	claimExpect(t, newGoogle(t, srv).Ledger(), ledgerKey, false)
	if err := l.Release(context.Background(), ledgerKey); err != nil {
		t.Fatal(err)
	}
	if claims, _ := claimSheets(t, srv); len(claims) != 0 {
		t.Errorf("%d claim tabs after Release, want 0", len(claims))
	}
}

func TestGooglePostedKeys(t *testing.T) {
	srv := seedLedgerSheet(t)
	g := newGoogle(t, srv)
	l := g.Ledger()
	for _, key := range []string{"digest/C2/2026-10", ledgerKey, "a key with spaces"} {
		claimExpect(t, l, key, true)
	}
	if _, err := l.Claim(context.Background(), "digest/C3/2026-10", ""); err != nil {
		t.Fatal(err)
	}
	got, err := g.PostedKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a key with spaces", ledgerKey, "digest/C2/2026-10", "digest/C3/2026-10"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PostedKeys (-want +got):\n%s", diff)
	}
}
