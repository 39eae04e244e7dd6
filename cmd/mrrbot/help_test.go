package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// runCLI runs mrrbot as main does, arguments to exit status: what it
// printed on stdout and stderr (the error included, as main prints it),
// and the flag sets of the commands it parsed.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, status int, sets []*flag.FlagSet) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errb, now: func() time.Time { return fixedNow },
		parsing: func(fs *flag.FlagSet) { sets = append(sets, fs) }}
	err := c.run(context.Background(), args)
	status = exitStatus(err, &errb)
	return out.String(), errb.String(), status, sets
}

// helpForms are the three ways to ask for a command's help.
func helpForms(name string) [][]string {
	words := strings.Fields(name)
	return [][]string{
		append(slices.Clone(words), "-h"),
		append(slices.Clone(words), "--help"),
		append([]string{"help"}, words...),
	}
}

// TestHelpEveryCommand asks every command and subcommand for its help in
// the three ways: each prints the same help on stdout, with nothing on
// stderr and exit status 0, and the help has the synopsis, every flag the
// command takes (from the flag set it parses with), the environment
// variables it reads and two examples of it.
func TestHelpEveryCommand(t *testing.T) {
	for _, cmd := range commands {
		t.Run(cmd.name, func(t *testing.T) {
			var first string
			for _, args := range helpForms(cmd.name) {
				out, stderr, status, sets := runCLI(t, nil, args...)
				if status != 0 || stderr != "" {
					t.Fatalf("mrrbot %s: exit %d, stderr %q", strings.Join(args, " "), status, stderr)
				}
				if first == "" {
					first = out
					t.Logf("mrrbot %s:\n%s", strings.Join(args, " "), out)
				} else if out != first {
					t.Errorf("mrrbot %s prints another help than %s -h:\n%s", strings.Join(args, " "), cmd.name, out)
				}
				if !strings.HasPrefix(out, "Usage: mrrbot "+cmd.name) {
					t.Errorf("mrrbot %s: no synopsis first:\n%s", strings.Join(args, " "), out)
				}
				for _, fs := range sets {
					fs.VisitAll(func(f *flag.Flag) {
						if !strings.Contains(out, "  --"+f.Name+" ") && !strings.Contains(out, "  --"+f.Name+"\n") {
							t.Errorf("%s takes --%s, which its help does not list", cmd.name, f.Name)
						}
					})
				}
			}
			if len(cmd.subs) > 0 {
				for _, sub := range cmd.subs {
					if !strings.Contains(first, "  "+sub+" ") {
						t.Errorf("%s's help does not list %s", cmd.name, sub)
					}
				}
			} else {
				if !strings.Contains(first, "\nEnvironment:\n") {
					t.Errorf("%s's help has no Environment section", cmd.name)
				}
				for _, e := range cmd.env {
					if envHelp[e] == "" {
						t.Errorf("%s reads %s, which envHelp does not describe", cmd.name, e)
					}
					if !strings.Contains(first, "  "+e+" ") {
						t.Errorf("%s's help does not list %s", cmd.name, e)
					}
				}
				if !strings.Contains(first, "\nFlags: none\n") && !strings.Contains(first, "  --") {
					t.Errorf("%s's help lists no flags", cmd.name)
				}
			}
			_, examples, ok := strings.Cut(first, "\nExamples:\n")
			if !ok {
				t.Fatalf("%s's help has no examples", cmd.name)
			}
			lines := strings.Split(strings.TrimSuffix(examples, "\n"), "\n")
			if len(lines) != 2 {
				t.Errorf("%s's help has %d examples, want 2", cmd.name, len(lines))
			}
			for _, l := range lines {
				if !strings.Contains(l, "mrrbot "+strings.Fields(cmd.name)[0]) && !strings.Contains(l, "mrrbot --"+cmd.name) {
					t.Errorf("%s's example %q does not run it", cmd.name, l)
				}
			}
		})
	}
}

// TestHelpExamplesParse runs each example's flags through the command's
// own parser with -h after them: an example never shows a flag the
// command refuses.
func TestHelpExamplesParse(t *testing.T) {
	for _, cmd := range commands {
		for _, ex := range cmd.examples {
			_, rest, _ := strings.Cut(ex, "mrrbot ")
			args := strings.Fields(rest)
			if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "help" {
				continue
			}
			_, stderr, status, _ := runCLI(t, nil, append(args, "-h")...)
			if status != 0 {
				t.Errorf("example %q: exit %d\n%s", ex, status, stderr)
			}
		}
	}
}

// TestHelpLists checks the list of commands: mrrbot help, -h and --help
// print it on stdout with exit 0, each command with its summary; mrrbot
// alone prints it on stderr and exits 2.
func TestHelpLists(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		out, stderr, status, _ := runCLI(t, nil, args...)
		if status != 0 || stderr != "" {
			t.Fatalf("mrrbot %s: exit %d, stderr %q", args[0], status, stderr)
		}
		for _, cmd := range commands {
			if strings.Contains(cmd.name, " ") {
				continue
			}
			if !strings.Contains(out, "  "+cmd.name+" ") || !strings.Contains(out, cmd.summary) {
				t.Errorf("mrrbot %s does not list %s:\n%s", args[0], cmd.name, out)
			}
		}
	}
	out, stderr, status, _ := runCLI(t, nil)
	if status != 2 || out != "" || !strings.Contains(stderr, "Commands:") || !strings.HasSuffix(stderr, "mrrbot: no command given\nRun 'mrrbot help' for the commands.\n") {
		t.Errorf("mrrbot alone: exit %d, stdout %q, stderr:\n%s", status, out, stderr)
	}
}

// TestUsageErrors checks that a mistake on the command line prints one
// line saying what is wrong and one line pointing at the command's help,
// and exits 2; in particular, that each command refuses the flags it
// would ignore.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "subs.csv")
	if err := os.WriteFile(csvFile, []byte("Customer,Price,Start Date\nC1,10,2025-01-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "mrrbot.yaml")
	if err := os.WriteFile(config, []byte("reports:\n  - name: us\n    workbook: us.xlsx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		cmd  string // the command the pointer names; "" for mrrbot's list
		want string // the error line contains this
	}{
		{[]string{"digest", "--dry-run", "--summary-tab", "X"}, "digest", "digest does not take --dry-run"},
		{[]string{"digest", "--summary-tab", "X", "--workbook", "b.xlsx"}, "digest", "digest does not take --summary-tab"},
		{[]string{"digest", "--workbook", "b.xlsx", "--movements-tab", "X"}, "digest", "digest does not take --movements-tab"},
		{[]string{"digest", "--as-of", "2026-01-05"}, "digest", "pick the month with --month"},
		{[]string{"digest", "--through", "2026-01"}, "digest", "pick the month with --month"},
		{[]string{"digest", "--workbook", "b.xlsx", "--report", "us"}, "digest", "--report is for --config"},
		{[]string{"digest", "--workbook", "b.xlsx", "--force"}, "digest", "--force is for --post"},
		{[]string{"digest", "--config", config, "--workbook", "b.xlsx"}, "digest", "give --workbook or --config, not both"},
		{[]string{"sync", "--config", config, "--spreadsheet", "1AbC"}, "sync", "give --spreadsheet or --config, not both"},
		{[]string{"sync", "--workbook", "b.xlsx", "--credentials", "key.json"}, "sync", "--credentials is for a Google spreadsheet"},
		{[]string{"sync", "--bogus"}, "sync", "sync does not take --bogus"},
		{[]string{"sync", "--workbook", "b.xlsx", "extra"}, "sync", `unexpected argument "extra"`},
		{[]string{"sync", "--workbook", "b.xlsx", "--through", "2026-13"}, "sync", "--through"},
		{[]string{"sync", "--workbook", "b.xlsx", "--books", "frozen"}, "sync", "want live or locked"},
		{[]string{"serve", "--dry-run"}, "serve", "serve does not take --dry-run"},
		{[]string{"serve", "--as-of", "2026-01-05"}, "serve", "serve always answers as of today"},
		{[]string{"serve", "--month", "2026-01"}, "serve", "serve does not take --month"},
		{[]string{"serve", "--config", config, "--schedule", "off"}, "serve", "each report's schedule is in the file"},
		{[]string{"books", "diff", "--through", "2026-01"}, "books diff", "--through is for books close"},
		{[]string{"books", "reopen", "--through", "2026-01"}, "books reopen", "--through is for books close"},
		{[]string{"books", "close", "--yes"}, "books close", "books close does not take --yes"},
		{[]string{"books", "diff", "--yes"}, "books diff", "books diff does not take --yes"},
		{[]string{"books", "diff", "--segment", "Region"}, "books diff", "books diff does not take --segment"},
		{[]string{"books", "close", "--summary-tab", "X"}, "books close", "books close does not take --summary-tab"},
		{[]string{"books", "diff", "--dry-run"}, "books diff", "books diff does not take --dry-run"},
		{[]string{"books", "diff", "--books", "locked"}, "books diff", "books diff does not take --books"},
		{[]string{"books", "close", "--workbook", "b.xlsx"}, "books close", "give --through YYYY-MM"},
		{[]string{"books", "reopen", "--workbook", "b.xlsx"}, "books reopen", "--yes"},
		{[]string{"books", "shut"}, "books", `unknown "shut"`},
		{[]string{"books"}, "books", "want close, reopen or diff"},
		{[]string{"doctor", "--dry-run"}, "doctor", "doctor does not take --dry-run"},
		{[]string{"doctor", "--summary-tab", "X"}, "doctor", "doctor does not take --summary-tab"},
		{[]string{"doctor", "--config", config}, "doctor", "doctor does not take --config"},
		{[]string{"doctor", "--through", "2026-01"}, "doctor", "doctor does not take --through"},
		{[]string{"doctor", "--workbook", "b.xlsx", "--credentials", "key.json"}, "doctor", "--credentials is for a Google spreadsheet"},
		{[]string{"compute", "--workbook", "b.xlsx"}, "compute", "--input FILE.xlsx"},
		{[]string{"compute", "--summary-tab", "X"}, "compute", "compute does not take --summary-tab"},
		{[]string{"compute", "--dry-run"}, "compute", "compute does not take --dry-run"},
		{[]string{"compute", "--input", csvFile, "--tab", "Subs"}, "compute", "--tab is for a workbook or a spreadsheet"},
		{[]string{"compute", "--input", csvFile, "--credentials", "key.json"}, "compute", "--credentials is for --spreadsheet"},
		{[]string{"compute", "--input", csvFile, "--format", "yaml"}, "compute", "--format"},
		{[]string{"compute", "--input", csvFile, "--segment", "Region"}, "compute", "--segment is for --format json"},
		{[]string{"compute", "--input", csvFile, "--segment", "Region", "--format", "csv"}, "compute", "--segment is for --format json"},
		{[]string{"demo", "--workbook", "b.xlsx"}, "demo", "demo does not take --workbook"},
		{[]string{"auth", "login", "--spreadsheet", "1AbC"}, "auth login", "auth login does not take --spreadsheet"},
		{[]string{"auth", "login"}, "auth login", "give --client-secret FILE"},
		{[]string{"auth", "logout"}, "auth", "want `mrrbot auth login`"},
		{[]string{"version", "--short"}, "version", "version does not take --short"},
		{[]string{"help", "frobnicate"}, "", `help: no command "frobnicate"`},
		{[]string{"frobnicate"}, "", `unknown command "frobnicate"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, stderr, status, _ := runCLI(t, nil, tc.args...)
			if status != 2 {
				t.Errorf("exit %d, want 2", status)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			pointer := "Run 'mrrbot " + tc.cmd + " -h' for usage."
			if tc.cmd == "" {
				pointer = "Run 'mrrbot help' for the commands."
			}
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "mrrbot: ") || !strings.Contains(lines[0], tc.want) || lines[1] != pointer {
				t.Errorf("stderr:\n%s\nwant one line with %q, then %q", stderr, tc.want, pointer)
			}
		})
	}
}

// TestVersion checks mrrbot version and --version in the test binary,
// which has no version control information: the Go version, and a commit
// said to be unknown.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, stderr, status, _ := runCLI(t, nil, args...)
		if status != 0 || stderr != "" {
			t.Fatalf("mrrbot %s: exit %d, stderr %q", args[0], status, stderr)
		}
		if !strings.HasPrefix(out, "mrrbot ") || !strings.HasSuffix(out, ", "+runtime.Version()+"\n") || !strings.Contains(out, "commit") {
			t.Errorf("mrrbot %s printed %q", args[0], out)
		}
	}
}

// builtBinaries are mrrbot built as a user builds it, for
// TestBinaryHelpAndVersion: in a clone of this checkout, clean and then
// with a change.
type builtBinaries struct {
	clean, dirty string // the binaries; dirty is empty without a clone
	commit       string // the clone's HEAD
	noClone      string // why there is no clone, if there is none
	dir          string // holds them; TestMain removes it
	err          error
}

// startEnv is the environment the test binary started with. The builds
// run beside other tests, and some of those set HOME (t.Setenv): a build
// that took that HOME would use an empty build cache in a directory about
// to be removed.
var startEnv = os.Environ()

// startDir is the package's directory, where the test binary started;
// another test may change directory (t.Chdir) while the builds run.
var startDir, _ = os.Getwd()

// binariesStarted says mrrbotBinaries has begun, so TestMain waits for it
// and removes its directory.
var binariesStarted atomic.Bool

// mrrbotBinaries builds the binaries once per run of the package. TestMain
// starts it in the background when TestBinaryHelpAndVersion is to run, so
// the builds (subprocesses) overlap the package's other tests; the test
// waits for them.
//
// Go stamps the commit from a checkout whose .git is a directory (not a
// linked worktree's), so the binaries are built in a clone. Both builds
// use -trimpath, as the Dockerfile does: the compiled packages then do not
// depend on the clone's temporary directory, the build cache serves them
// from one run to the next, and the build with a change only links again.
var mrrbotBinaries = sync.OnceValue(func() (b builtBinaries) {
	binariesStarted.Store(true)
	dir, err := os.MkdirTemp("", "mrrbot-binaries-")
	if err != nil {
		return builtBinaries{err: err}
	}
	b.dir = dir
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := func(in, bin string, args ...string) error {
		cmd := exec.Command(gobin, append([]string{"build", "-trimpath", "-o", bin}, args...)...)
		cmd.Dir = in
		cmd.Env = startEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build in %s: %v\n%s", in, err, out)
		}
		return nil
	}
	git := func(args ...string) *exec.Cmd {
		cmd := exec.Command("git", args...)
		cmd.Env = startEnv
		return cmd
	}
	b.clean = filepath.Join(dir, "mrrbot")
	clone := filepath.Join(dir, "clone")
	if _, err := exec.LookPath("git"); err != nil {
		b.noClone = fmt.Sprintf("no git to make a checkout with: %v", err)
	} else if out, err := git("clone", "-q", filepath.Join(startDir, "..", ".."), clone).CombinedOutput(); err != nil {
		b.noClone = fmt.Sprintf("cannot clone the checkout: %v\n%s", err, out)
	}
	if rowLimitStarted.Load() {
		<-rowLimitBuilt // its packages are then in the build cache (see rowLimitBuilt)
	}
	if b.noClone != "" {
		b.err = build(startDir, b.clean, ".")
		return b
	}
	head, err := git("-C", clone, "rev-parse", "HEAD").Output()
	if err != nil {
		b.err = fmt.Errorf("git rev-parse HEAD: %v", err)
		return b
	}
	b.commit = strings.TrimSpace(string(head))
	if b.err = build(clone, b.clean, "-buildvcs=true", "./cmd/mrrbot"); b.err != nil {
		return b
	}
	if b.err = os.WriteFile(filepath.Join(clone, "README.md"), []byte("changed\n"), 0o644); b.err != nil {
		return b
	}
	b.dirty = filepath.Join(dir, "mrrbot-changed")
	b.err = build(clone, b.dirty, "-buildvcs=true", "./cmd/mrrbot")
	return b
})

// TestBinaryHelpAndVersion runs mrrbot built as a user builds it: -h on
// stdout with exit 0, a refused flag with exit 2 and two lines, and
// version with the commit of the checkout, "(modified)" when it has
// changes, and the Go version.
func TestBinaryHelpAndVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	b := mrrbotBinaries()
	if b.err != nil {
		t.Fatal(b.err)
	}
	runBin := func(bin string, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}

	for _, args := range [][]string{{"-h"}, {"sync", "-h"}, {"books", "--help"}, {"help", "auth", "login"}} {
		out, stderr, code := runBin(b.clean, args...)
		if code != 0 || stderr != "" || !strings.Contains(out, "Usage: mrrbot") {
			t.Errorf("mrrbot %s: exit %d, stderr %q, stdout:\n%s", strings.Join(args, " "), code, stderr, out)
		}
	}
	out, stderr, code := runBin(b.clean, "digest", "--dry-run", "--summary-tab", "X")
	if code != 2 || out != "" || stderr != "mrrbot: digest does not take --dry-run: digest writes nothing; without --post it prints the digest\nRun 'mrrbot digest -h' for usage.\n" {
		t.Errorf("digest --dry-run: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, stderr, code := runBin(b.clean, args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(out, "mrrbot ") || !strings.HasSuffix(out, ", "+runtime.Version()+"\n") {
			t.Errorf("mrrbot %s: exit %d, stderr %q, stdout %q", args[0], code, stderr, out)
		}
	}
	if b.noClone != "" {
		t.Skip(b.noClone)
	}

	for _, dirty := range []bool{false, true} {
		bin := b.clean
		if dirty {
			bin = b.dirty
		}
		out, _, code := runBin(bin, "version")
		t.Logf("mrrbot version (changed: %v): %s", dirty, out)
		want := "commit " + b.commit
		if dirty {
			want += " (modified)"
		}
		if code != 0 || !strings.Contains(out, want+", "+runtime.Version()+"\n") {
			t.Errorf("mrrbot version: %q, want %q", out, want)
		}
	}
}
