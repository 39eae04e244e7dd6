package gsheets_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/sheets/gsheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

// retryingGoogle is a Spreadsheet whose requests go through Retry, as
// NewHTTPClient's do, with no waiting between attempts.
func retryingGoogle(t *testing.T, srv *sheetstest.Server) *gsheets.Spreadsheet {
	t.Helper()
	transport := &gsheets.Retry{
		Base:  &http.Transport{},
		Sleep: func(context.Context, time.Duration) error { return nil },
	}
	return newGoogleVia(t, srv, &http.Client{Transport: transport})
}

// TestWriteReplyLost writes the tabs in a batchUpdate that Google applies
// but whose reply is lost (a 503 instead): the write is a success, made
// once, with no second batchUpdate; the layout read after the wait is what
// tells. A batchUpdate that failed before it was applied is sent again.
func TestWriteReplyLost(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fail    func(*sheetstest.Server)
		updates int // batchUpdate calls the write takes
		gets    int // layouts read to see whether it was applied
	}{
		{"applied, reply lost", func(s *sheetstest.Server) { s.LoseReplies(1, http.StatusServiceUnavailable) }, 1, 1},
		{"not applied", func(s *sheetstest.Server) { s.FailNext(1, http.StatusServiceUnavailable, 0) }, 2, 1},
		{"not applied, then applied and the reply lost", func(s *sheetstest.Server) {
			s.FailNext(1, http.StatusInternalServerError, 0)
			s.LoseReplies(1, http.StatusBadGateway)
		}, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sheetstest.New(t)
			seedGenerated(t, srv, 60, 20)
			g := retryingGoogle(t, srv)
			// The first sync creates the tabs; the second updates them. Each
			// loses a reply.
			for range 2 {
				ctx := context.Background()
				if _, err := g.Layout(ctx); err != nil {
					t.Fatal(err)
				}
				tabs := syncTabs(t, g)
				srv.ResetCalls()
				tc.fail(srv)
				if _, err := g.Write(ctx, tabs); err != nil {
					t.Fatalf("write: %v", err)
				}
				calls := srv.Calls()
				if got := calls.ByMethod[sheetstest.MethodBatchUpdate]; got != tc.updates {
					t.Errorf("%d batchUpdate calls, want %d", got, tc.updates)
				}
				if got := calls.ByMethod[sheetstest.MethodGet]; got != tc.gets {
					t.Errorf("%d spreadsheets.get calls, want %d: the layouts read to see whether the write was applied", got, tc.gets)
				}
				checkTabsWritten(t, srv, tabs)
			}
		})
	}
}

// TestWriteStagedReplyLost loses the reply of every batchUpdate of a write
// through staging tabs: each is sent once, and the tabs are there.
func TestWriteStagedReplyLost(t *testing.T) {
	srv := sheetstest.New(t)
	seedGenerated(t, srv, 600, 200)
	g := retryingGoogle(t, srv)
	g.SetMaxRequest(40 << 10)
	ctx := context.Background()
	if _, err := g.Layout(ctx); err != nil {
		t.Fatal(err)
	}
	tabs := syncTabs(t, g)
	srv.ResetCalls()
	srv.LoseReplies(1000, http.StatusServiceUnavailable)
	if _, err := g.Write(ctx, tabs); err != nil {
		t.Fatalf("write: %v", err)
	}
	srv.LoseReplies(0, 0)
	calls := srv.Calls()
	// Creating the staging tabs and swapping them in are batchUpdates,
	// each checked once; the values go in between with values.batchUpdate,
	// which may be sent again into a staging tab without harm.
	updates, gets, values := calls.ByMethod[sheetstest.MethodBatchUpdate], calls.ByMethod[sheetstest.MethodGet], calls.ByMethod[sheetstest.MethodValuesBatchUpdate]
	if updates != 2 || gets != updates || values == 0 {
		t.Errorf("%d batchUpdates, %d values.batchUpdates and %d layouts read; want a staged write (2 batchUpdates and values), each once, and a layout read after each batchUpdate", updates, values, gets)
	}
	checkTabsWritten(t, srv, tabs)
}
