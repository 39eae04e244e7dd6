package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestServeLogsJSON: serve logs JSON lines for a log collector; other
// commands log text, at --log-level.
func TestServeLogsJSON(t *testing.T) {
	var stderr syncBuffer
	c := &cli{getenv: func(k string) string { return map[string]string{"SLACK_SIGNING_SECRET": "s"}[k] }, stdout: &stderr, stderr: &stderr, now: func() time.Time { return fixedNow }}
	c.logJSON = true
	c.logger().Info("serving", "addr", "127.0.0.1:1")
	line := strings.TrimSpace(stderr.String())
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil || m["msg"] != "serving" {
		t.Errorf("log line %q is not JSON with msg=serving", line)
	}
}

func TestLogLevelFlag(t *testing.T) {
	book := fixtureWorkbook(t)
	_, stderr, err := mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15", "--dry-run", "--log-level", "bogus")
	if err == nil || !isUsage(err) {
		t.Errorf("--log-level bogus: %v, want a usage error\n%s", err, stderr)
	}
	if _, _, err := mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15", "--dry-run", "--log-level", "debug"); err != nil {
		t.Errorf("--log-level debug: %v", err)
	}
}

// TestSyncProgress: on a terminal a long sync says what it is doing;
// elsewhere (a pipe, a log file) it stays quiet.
func TestSyncProgress(t *testing.T) {
	book := fixtureWorkbook(t)
	var term, stderr syncBuffer
	c := &cli{getenv: func(string) string { return "" }, stdout: &syncBuffer{}, stderr: &stderr, now: func() time.Time { return fixedNow }, progress: &term}
	if err := c.run(t.Context(), []string{"sync", "--workbook", book, "--as-of", "2026-03-15"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"… reading", "… writing MRR Summary (12 rows)"} {
		if !strings.Contains(term.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, term.String())
		}
	}
	if strings.Contains(stderr.String(), "…") {
		t.Errorf("progress went to a non-terminal stderr:\n%s", stderr.String())
	}
}
