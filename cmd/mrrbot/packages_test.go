package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestLayout holds the packages to what each may import: calc and report
// compile neither the Google client nor excelize; only sheets/xlsx imports
// excelize, only sheets/gsheets the Sheets API and oauth2 (sheetstest, the
// API's stand-in for tests, speaks the API's types too); cmd/mrrbot wires
// the adapters and imports none of those itself; calc imports nothing but
// the standard library and decimal; nothing imports cmd.
func TestLayout(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to list the packages with")
		}
	}
	list := func(args ...string) map[string][]string {
		t.Helper()
		cmd := exec.Command(goBin, append([]string{"list"}, args...)...)
		cmd.Dir = "../.."
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		pkgs := map[string][]string{}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) > 0 {
				pkgs[fields[0]] = fields[1:]
			}
		}
		return pkgs
	}
	const mod = "github.com/mrrbot/mrrbot/"
	const (
		excelize = "github.com/xuri/excelize/v2"
		api      = "google.golang.org/api/"
		oauth2   = "golang.org/x/oauth2"
	)
	heavy := func(p string) bool {
		return p == excelize || strings.HasPrefix(p, api) || p == oauth2 || strings.HasPrefix(p, oauth2+"/")
	}

	for _, pkg := range []string{"calc", "report", "sheets", "notify"} {
		deps := list("-deps", "-f", "{{.ImportPath}}", "./"+pkg)
		for dep := range deps {
			if heavy(dep) {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}

	// Who imports what, directly, outside tests.
	imports := list("-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	may := map[string]func(string) bool{
		excelize: func(p string) bool { return p == mod+"sheets/xlsx" },
		api:      func(p string) bool { return p == mod+"sheets/gsheets" || p == mod+"sheets/sheetstest" },
		oauth2:   func(p string) bool { return p == mod+"sheets/gsheets" },
	}
	if len(imports) < 10 {
		t.Fatalf("go list found %d packages", len(imports))
	}
	for pkg, imps := range imports {
		for _, imp := range imps {
			for prefix, ok := range may {
				if (imp == prefix || strings.HasPrefix(imp, prefix)) && !ok(pkg) {
					t.Errorf("%s imports %s", strings.TrimPrefix(pkg, mod), imp)
				}
			}
			if strings.HasPrefix(imp, mod+"cmd/") {
				t.Errorf("%s imports %s", strings.TrimPrefix(pkg, mod), imp)
			}
		}
	}
	for _, imp := range imports[mod+"calc"] {
		if strings.Contains(strings.Split(imp, "/")[0], ".") && imp != "github.com/shopspring/decimal" {
			t.Errorf("calc imports %s", imp)
		}
	}
	for _, want := range []string{mod + "sheets/xlsx", mod + "sheets/gsheets"} {
		if !slices.Contains(imports[mod+"cmd/mrrbot"], want) {
			t.Errorf("cmd/mrrbot does not wire %s", want)
		}
	}
}
