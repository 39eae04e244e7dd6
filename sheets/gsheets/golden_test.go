package gsheets_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestWriteStateGolden")

// TestWriteStateGolden syncs generated subscriptions, with customers whose
// names look like formulas, numbers and booleans, and compares the
// spreadsheet the stand-in then holds, cell by cell (values, formats,
// grid, charts, rules, metadata; random IDs replaced by tab titles), with
// the state the write left before it was encoded by hand: in one request,
// through staging tabs, and over tabs written before.
func TestWriteStateGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		max    int
		resync bool
	}{
		{"one-request", 0, false},
		{"staged", 24 << 10, false},
		{"staged-over-written", 24 << 10, true},
		{"one-request-over-written", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sheetstest.New(t)
			seedGenerated(t, srv, 200, 60)
			s := sheetstest.String
			srv.SetCells(id, "Subscriptions!A202", [][]*sheetsapi.CellData{
				{s("=1+1"), s("=1+1 Ltd"), s("Pro"), s("100"), s("USD"), s("monthly"), s("1"), s(""), s("2025-01-01")},
				{s("00123"), s("00123"), s("Pro"), s("50"), s("USD"), s("monthly"), s("1"), s(""), s("2025-02-01")},
				{s("TRUE"), s("1e5"), s("Pro"), s("70"), s("USD"), s("monthly"), s("1"), s(""), s("2025-02-01")},
				{s("ünï \"q\"\n\t<&>"), s("+12"), s("Pro"), s("70"), s("USD"), s("monthly"), s("1"), s(""), s("2025-02-01")},
			})
			g := newGoogle(t, srv)
			if tc.max > 0 {
				g.SetMaxRequest(tc.max)
			}
			if tc.resync {
				syncOnce(t, g)
			}
			syncOnce(t, g)
			got := canonicalState(t, srv)
			// Every way of writing leaves the same state: one file.
			path := filepath.Join("testdata", "write-state.json.gz")
			if *update && tc.name == "one-request" {
				var z bytes.Buffer
				zw := gzip.NewWriter(&z)
				zw.Write(got)
				zw.Close()
				if err := os.WriteFile(path, z.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("state differs from %s at line %d:\n got %s\nwant %s", path, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("state differs from %s: %d lines, want %d", path, len(gl), len(wl))
			}
		})
	}
}

// canonicalState is the spreadsheet id of srv, as spreadsheets.get with
// its grid data returns it, as indented JSON with the random IDs the
// write picks (tabs, charts, metadata, protected ranges, the write token)
// replaced: a sheet ID by its tab's title. It is read through the API,
// whose reply the stand-in encodes by hand exactly as encoding/json
// encodes the library's structs (see sheetstest's
// TestEncodeResponseMatchesEncodingJSON), far quicker under -race.
func canonicalState(t *testing.T, srv *sheetstest.Server) []byte {
	t.Helper()
	resp, err := http.Get(srv.URL() + "v4/spreadsheets/" + id + "?includeGridData=true&alt=json&prettyPrint=false")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("spreadsheets.get: %s", resp.Status)
	}
	var v any
	d := json.NewDecoder(resp.Body)
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	ss := v.(map[string]any)
	titles := map[string]string{}
	// The source tabs are never written; the bot's tabs are what matter.
	var kept []any
	for _, sh := range ss["sheets"].([]any) {
		p := sh.(map[string]any)["properties"].(map[string]any)
		tt := p["title"].(string)
		titles[fmt.Sprint(p["sheetId"])] = tt
		if tt != "Subscriptions" && tt != "FX" {
			kept = append(kept, sh)
		}
	}
	ss["sheets"] = kept
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				switch k {
				case "effectiveFormat":
					// Derived by the stand-in from userEnteredFormat.
					delete(x, k)
				case "sheetId":
					x[k] = "tab " + titles[fmt.Sprint(e)]
				case "chartId", "metadataId", "protectedRangeId", "objectId":
					x[k] = "id"
				default:
					x[k] = walk(e)
				}
			}
			if x["metadataKey"] == "mrrbot.write" {
				x["metadataValue"] = "token"
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return v
	}
	out, err := json.MarshalIndent(walk(v), "", "")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}
