package main

import (
	"bufio"
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary run as mrrbot itself, so a test can start
// the real process and send it signals. When TestBinaryHelpAndVersion or
// TestSyncWorkbookAtExcelsRowLimit is to run, it starts their builds and
// processes in the background, so they overlap the other tests rather
// than adding to them.
func TestMain(m *testing.M) {
	if os.Getenv("MRRBOT_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	flag.Parse()
	// The row-limit run first: the binaries' builds wait for its build.
	if runs("TestSyncWorkbookAtExcelsRowLimit") {
		rowLimitStarted.Store(true)
		go rowLimit()
	}
	if !testing.Short() && runs("TestBinaryHelpAndVersion") {
		binariesStarted.Store(true)
		go mrrbotBinaries()
	}
	code := m.Run()
	if binariesStarted.Load() {
		if b := mrrbotBinaries(); b.dir != "" { // waits for a build still running
			os.RemoveAll(b.dir)
		}
	}
	if rowLimitStarted.Load() {
		if r := rowLimit(); r.dir != "" { // waits for its processes
			os.RemoveAll(r.dir)
		}
	}
	os.Exit(code)
}

// runs reports whether this run of the test binary runs the top-level
// test name: -test.run selects it, -test.skip does not skip it, and it is
// not -test.list. A pattern it cannot read counts as selecting the test;
// the test builds what it needs itself if TestMain did not start it.
func runs(name string) bool {
	matches := func(f string) (matched, set bool) {
		v := flag.Lookup(f)
		if v == nil || v.Value.String() == "" {
			return false, false
		}
		pat, _, _ := strings.Cut(v.Value.String(), "/")
		ok, err := regexp.MatchString(pat, name)
		return ok || err != nil, true
	}
	if _, set := matches("test.list"); set {
		return false
	}
	if ok, set := matches("test.run"); set && !ok {
		return false
	}
	if ok, _ := matches("test.skip"); ok {
		return false
	}
	return true
}

// TestServeStopsOnSIGTERM starts `mrrbot serve` as a process, waits until
// it listens, sends SIGTERM, and expects a clean exit.
func TestServeStopsOnSIGTERM(t *testing.T) {
	book := fixtureWorkbook(t)
	cmd := exec.Command(os.Args[0], "serve", "--workbook", book, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "MRRBOT_TEST_RUN_MAIN=1", "SLACK_SIGNING_SECRET=x", "MRRBOT_SCHEDULE=off")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(20 * time.Second)
	for listening := false; !listening; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("serve exited before listening")
			}
			listening = strings.Contains(l, `"msg":"serving"`)
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("serve did not start")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for range lines {
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v (want exit 0)", err)
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGTERM")
	}
}
