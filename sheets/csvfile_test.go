package sheets_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/sheets"
)

// TestCSVFile reads a CSV file and its FX file as a source, and names the
// file that cannot be opened or read.
func TestCSVFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	subs := write("subs.csv", "customer,amount,currency,start\nc1,100,,2025-01-10\nc2,50,EUR,2025-02-01\n")
	fx := write("fx.csv", "currency,rate\nEUR,1.1\n")
	ctx := context.Background()

	src := sheets.CSVFile{Path: subs, FX: fx}
	l, err := src.Layout(ctx)
	if err != nil || l.Title != subs || len(l.Tabs) != 1 {
		t.Errorf("Layout = %+v, %v", l, err)
	}
	loaded, err := src.Load(ctx, sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Book.Len() != 2 || len(loaded.Errors) != 0 || loaded.Rates["EUR"].String() != "1.1" {
		t.Errorf("Book.Len(), Errors, Rates = %d, %v, %v", loaded.Book.Len(), loaded.Errors, loaded.Rates)
	}

	for _, tc := range []struct {
		src  sheets.CSVFile
		want string
	}{
		{sheets.CSVFile{Path: filepath.Join(dir, "none.csv")}, "open input: "},
		{sheets.CSVFile{Path: subs, FX: filepath.Join(dir, "none.csv")}, "open fx rates: "},
		{sheets.CSVFile{Path: write("bad.csv", "a,b\n1,2\n")}, "read " + filepath.Join(dir, "bad.csv") + ": "},
	} {
		if _, err := tc.src.Load(ctx, sheets.Options{}); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Load(%+v): err = %v, want one starting %q", tc.src, err, tc.want)
		}
	}
}
