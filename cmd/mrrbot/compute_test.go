package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

var update = flag.Bool("update", false, "rewrite golden files")

const fixture = "../../testdata/fixture"

// mrrbot runs the command line as a user would, with an empty environment
// unless env says otherwise.
func mrrbot(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err = run(context.Background(), args, getenv, &out, &errb)
	return out.String(), errb.String(), err
}

type issueKey struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
}

type computeJSON struct {
	Currency string           `json:"currency"`
	AsOf     string           `json:"as_of"`
	Months   []map[string]any `json:"months"`
	Errors   []issueKey       `json:"errors"`
	Warnings []issueKey       `json:"warnings"`
}

// contractKeys are the month keys docs/json.md fixes first; the fixture's expected
// output was worked out by hand for exactly these.
var contractKeys = []string{
	"month", "starting_mrr", "new", "expansion", "reactivation", "contraction", "churn",
	"net_new", "ending_mrr", "arr", "customers", "new_customers", "churned_customers", "reactivated_customers",
}

// onlyContract keeps the contract's keys of each month, and "to_date" where
// it is there: the month in progress is marked, and the fixture says which.
func onlyContract(months []map[string]any) []map[string]any {
	out := make([]map[string]any, len(months))
	for i, m := range months {
		out[i] = map[string]any{}
		for _, k := range contractKeys {
			out[i][k] = m[k]
		}
		if v, ok := m["to_date"]; ok {
			out[i]["to_date"] = v
		}
	}
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestComputeFixture checks `compute --format json` against the hand-checked
// fixture of testdata/fixture (see its README for the arithmetic).
func TestComputeFixture(t *testing.T) {
	checkFixtureJSON(t, "--input", filepath.Join(fixture, "subscriptions.csv"), "--fx", filepath.Join(fixture, "fx.csv"), "--currency", "USD")
}

// checkFixtureJSON runs compute on the fixture read from source and
// compares its JSON with the hand-checked figures and issues.
func checkFixtureJSON(t *testing.T, source ...string) {
	t.Helper()
	args := append(append([]string{"compute"}, source...), "--as-of", "2026-03-15", "--format", "json")
	stdout, stderr, err := mrrbot(t, nil, args...)
	if err != nil {
		t.Fatalf("compute: %v\nstderr: %s", err, stderr)
	}
	var got computeJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	var want computeJSON
	readJSON(t, filepath.Join(fixture, "expected.json"), &want)
	var wantIssues struct {
		Errors   []issueKey `json:"errors"`
		Warnings []issueKey `json:"warnings"`
	}
	readJSON(t, filepath.Join(fixture, "expected_issues.json"), &wantIssues)

	if got.Currency != want.Currency || got.AsOf != want.AsOf {
		t.Errorf("currency, as_of = %s, %s; want %s, %s", got.Currency, got.AsOf, want.Currency, want.AsOf)
	}
	if diff := cmp.Diff(want.Months, onlyContract(got.Months)); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantIssues.Errors, got.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantIssues.Warnings, got.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestComputeJSONShape checks the key order of the JSON contract (docs/json.md),
// which a decoded map cannot see.
func TestComputeJSONShape(t *testing.T) {
	stdout, _, err := mrrbot(t, nil, "compute",
		"--input", filepath.Join(fixture, "subscriptions.csv"),
		"--fx", filepath.Join(fixture, "fx.csv"), "--as-of", "2026-03-15", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	compact := new(bytes.Buffer)
	if err := json.Compact(compact, []byte(stdout)); err != nil {
		t.Fatal(err)
	}
	s := compact.String()
	for _, prefix := range []string{
		`{"currency":"USD","as_of":"2026-03-15","months":[{"month":"2025-04","starting_mrr":"0.00","new":"1374.00","expansion":"0.00","reactivation":"0.00","contraction":"0.00","churn":"0.00","net_new":"1374.00","ending_mrr":"1374.00","arr":"16488.00","customers":5,"new_customers":5,"churned_customers":0,"reactivated_customers":0`,
	} {
		if !strings.HasPrefix(s, prefix) {
			t.Errorf("JSON starts\n%.400s\nwant prefix\n%s", s, prefix)
		}
	}
	for _, key := range []string{`"errors":[{"row":10,"column":"customer_id","message":`, `"warnings":[{"row":29,"column":"start_date","message":`} {
		if !strings.Contains(s, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// TestComputeGolden keeps the table and CSV formats as people see them.
func TestComputeGolden(t *testing.T) {
	for _, format := range []string{"table", "csv"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, err := mrrbot(t, nil, "compute",
				"--input", filepath.Join(fixture, "subscriptions.csv"),
				"--fx", filepath.Join(fixture, "fx.csv"), "--as-of", "2026-03-15", "--format", format)
			if err != nil {
				t.Fatal(err)
			}
			got := "# stdout\n" + stdout + "# stderr\n" + stderr
			golden := filepath.Join("testdata", "compute-"+format+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s output (-want +got):\n%s", format, diff)
			}
		})
	}
}

// TestComputeCSVAddsUp reads the CSV output back: every month's figures add
// up, and each month starts where the one before ended.
func TestComputeCSVAddsUp(t *testing.T) {
	stdout, _, err := mrrbot(t, nil, "compute",
		"--input", filepath.Join(fixture, "subscriptions.csv"),
		"--fx", filepath.Join(fixture, "fx.csv"), "--through", "2026-02", "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[len(recs)-1][0]; got != "2026-02" {
		t.Errorf("last month = %s, want 2026-02 (--through)", got)
	}
	prevEnding := "0.00"
	for _, r := range recs[1:] {
		if r[1] != prevEnding {
			t.Errorf("%s starts at %s, the month before ended at %s", r[0], r[1], prevEnding)
		}
		prevEnding = r[8]
	}
}

func TestComputeBadInvocations(t *testing.T) {
	dir := t.TempDir()
	notTable := filepath.Join(dir, "notes.csv")
	os.WriteFile(notTable, []byte("hello\nthis is not,a table\n"), 0o644)
	noAmount := filepath.Join(dir, "noamount.csv")
	os.WriteFile(noAmount, []byte("Customer,Plan,Start Date\nC1,Pro,2025-01-01\n"), 0o644)
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no input", []string{"compute"}, true, "--input"},
		{"missing file", []string{"compute", "--input", filepath.Join(dir, "nope.csv")}, false, "nope.csv"},
		{"not a table", []string{"compute", "--input", notTable}, false, "header"},
		{"missing required column", []string{"compute", "--input", noAmount}, false, "amount"},
		{"bad format", []string{"compute", "--input", noAmount, "--format", "yaml"}, true, "--format"},
		{"bad through", []string{"compute", "--input", noAmount, "--through", "2026-13"}, true, "--through"},
		{"both dates", []string{"compute", "--input", noAmount, "--through", "2026-01", "--as-of", "2026-01-05"}, true, "not both"},
		{"unknown command", []string{"frobnicate"}, true, "frobnicate"},
		// A digest is of a month: --as-of would be silently ignored.
		{"digest as of", []string{"digest", "--workbook", noAmount, "--as-of", "2026-01-05"}, true, "--month"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := mrrbot(t, nil, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if got := isUsage(err); got != tt.usage {
				t.Errorf("usage error = %v, want %v (%v)", got, tt.usage, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func isUsage(err error) bool { return errors.Is(err, errUsage) }

// TestComputeSpreadsheet computes the fixture from a Google spreadsheet, as
// a person keeps it (a title row above the header, typed cells, an FX
// tab): the same figures as from the CSV, the issues one row lower, in two
// API calls, and nothing written. MRRBOT_SPREADSHEET names it when no
// --input is given.
func TestComputeSpreadsheet(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", googleEnv(srv), []string{"--spreadsheet", "https://docs.google.com/spreadsheets/d/" + sheetID + "/edit"}},
		{"environment", map[string]string{"MRRBOT_SHEETS_ENDPOINT": srv.URL(), "MRRBOT_SPREADSHEET": sheetID}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetCalls()
			args := append(append([]string{"compute"}, tc.args...), "--as-of", "2026-03-15", "--format", "json")
			stdout, stderr, err := mrrbot(t, tc.env, args...)
			if err != nil {
				t.Fatalf("compute: %v\n%s", err, stderr)
			}
			var got, want computeJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout)
			}
			readJSON(t, filepath.Join(fixture, "expected.json"), &want)
			if diff := cmp.Diff(want.Months, onlyContract(got.Months)); diff != "" {
				t.Errorf("months (-want +got):\n%s", diff)
			}
			var wantIssues struct {
				Errors []issueKey `json:"errors"`
			}
			readJSON(t, filepath.Join(fixture, "expected_issues.json"), &wantIssues)
			for i := range wantIssues.Errors {
				wantIssues.Errors[i].Row++ // below the title row
			}
			if diff := cmp.Diff(wantIssues.Errors, got.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			calls := srv.Calls()
			if calls.Total != 2 || calls.ByMethod[sheetstest.MethodBatchUpdate] != 0 {
				t.Errorf("API calls %+v, want 2 reads and no write", calls)
			}
		})
	}
}

// TestComputeSource refuses a command line that names no source, or two,
// or an FX file beside a spreadsheet; --input wins over MRRBOT_SPREADSHEET.
func TestComputeSource(t *testing.T) {
	subs, fx := filepath.Join(fixture, "subscriptions.csv"), filepath.Join(fixture, "fx.csv")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string // the usage error, or "" for a computation
	}{
		{"none", nil, nil, "no input: give --input FILE.csv or FILE.xlsx, or --spreadsheet ID|URL"},
		{"both", nil, []string{"--input", subs, "--spreadsheet", sheetID}, "give --input or --spreadsheet, not both"},
		{"fx beside a spreadsheet", nil, []string{"--spreadsheet", sheetID, "--fx", fx}, "--fx is for CSV input; a spreadsheet keeps its rates in its FX tab"},
		{"not an ID", nil, []string{"--spreadsheet", "https://example.com/x"}, "--spreadsheet: "},
		{"input over the environment", map[string]string{"MRRBOT_SPREADSHEET": sheetID}, []string{"--input", subs, "--fx", fx}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"compute"}, tc.args...), "--as-of", "2026-03-15")
			_, stderr, err := mrrbot(t, tc.env, args...)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("compute: %v\n%s", err, stderr)
			case tc.want != "" && (!errors.Is(err, errUsage) || !strings.HasPrefix(err.Error(), tc.want)):
				t.Errorf("err = %v, want the usage error %q", err, tc.want)
			}
		})
	}
}
