package gsheets_test

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

// countingTransport counts the bytes of request and reply bodies.
type countingTransport struct {
	sent, read atomic.Int64
	largest    atomic.Int64 // the largest request body
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for n := req.ContentLength; n > c.largest.Load(); {
		if c.largest.CompareAndSwap(c.largest.Load(), n) {
			break
		}
	}
	if req.Body != nil {
		req.Body = countingBody{req.Body, &c.sent}
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		resp.Body = countingBody{resp.Body, &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// TestSyncBudget syncs 10,000 generated rows (2,000 customers; a quarter
// of them under -race) and holds
// the calls and bytes to a budget: one request when the tabs fit it,
// and through staging tabs, at most five calls in all (two reads, the
// staging tabs, their values, the swap), with far fewer bytes sent than a
// CellData per cell.
func TestSyncBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 rows through the stand-in")
	}
	// 10,000 rows, or a quarter of them under -race, which looks for
	// goroutines that race, not for bytes: a budget is per cell, and the
	// request limit below a share of the rows.
	n := calctest.Cases(10_000)
	srv := sheetstest.New(t)
	seedGenerated(t, srv, n, n/5)
	ct := &countingTransport{}
	g := newGoogleVia(t, srv, &http.Client{Transport: ct})
	tabs := syncOnce(t, g)
	cells := 0
	for _, tab := range tabs {
		for _, r := range tab.Rows {
			cells += len(r)
		}
	}
	calls := srv.Calls()
	t.Logf("one request: %d calls %v, %d bytes sent for %d cells, %d read", calls.Total, calls.ByMethod, ct.sent.Load(), cells, ct.read.Load())
	if calls.Total != 3 {
		t.Errorf("sync made %d calls, want 3: %v", calls.Total, calls.ByMethod)
	}
	if perCell := ct.sent.Load() / int64(cells); perCell > 60 {
		t.Errorf("sent %d bytes a cell written, want at most 60", perCell)
	}
	checkTabsWritten(t, srv, tabs)

	// Staged: the same tabs over a request limit they do not fit.
	srv.ResetCalls()
	ct.sent.Store(0)
	g.SetMaxRequest((1 << 20) * n / 10_000)
	tabs = syncOnce(t, g)
	calls = srv.Calls()
	t.Logf("staged: %d calls %v, %d bytes sent for %d cells", calls.Total, calls.ByMethod, ct.sent.Load(), cells)
	if calls.Total > 5 || calls.ByMethod[sheetstest.MethodValuesBatchUpdate] == 0 {
		t.Errorf("staged sync made %d calls, want at most 5 with the values in values.batchUpdate: %v", calls.Total, calls.ByMethod)
	}
	if perCell := ct.sent.Load() / int64(cells); perCell > 16 {
		t.Errorf("staged sync sent %d bytes a cell written, want at most 16", perCell)
	}
	checkTabsWritten(t, srv, tabs)
}
