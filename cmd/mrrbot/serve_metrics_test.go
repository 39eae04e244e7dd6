package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

// TestServeMetrics scrapes /metrics after a /mrr sync that met a Sheets
// 503 and a Slack rate limit, and after a forged command. The figures
// computed at start are a refresh, not a sync. (--cache 1h keeps the
// next check out of the test.)
func TestServeMetrics(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	addr, _ := serving(t, serveEnv(sheetsSrv, slackSrv), "--cache", "1h")

	forged, err := http.DefaultClient.Do(slashRequest(t, addr, "", slackSrv.ResponseURL("forged"), fixedNow, "not-the-secret"))
	if err != nil {
		t.Fatal(err)
	}
	forged.Body.Close()

	sheetsSrv.FailNext(1, http.StatusServiceUnavailable, 0)
	slackSrv.RateLimitNext(1, time.Second)
	resp, err := http.DefaultClient.Do(slashRequest(t, addr, "sync", slackSrv.ResponseURL("sync"), fixedNow, signingSecret))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if r := slackSrv.WaitReplies("sync", 1, 10*time.Second); len(r) != 1 {
		t.Fatalf("%d replies to /mrr sync", len(r))
	}

	resp, err = http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", resp.StatusCode)
	}
	text := string(body)
	for _, want := range []string{
		`mrrbot_syncs_total{result="ok"} 1`,
		`mrrbot_syncs_total{result="error"} 0`,
		`mrrbot_sync_duration_seconds_count 1`,
		`mrrbot_last_sync_timestamp_seconds 1.773576e+09`,
		`mrrbot_api_calls_total{method="spreadsheets.get",service="sheets"}`,
		`mrrbot_api_calls_total{method="spreadsheets.batchUpdate",service="sheets"}`,
		`mrrbot_api_retries_total{service="sheets",status="503"} 1`,
		`mrrbot_api_calls_total{method="response_url",service="slack"} 1`,
		`mrrbot_api_retries_total{service="slack",status="429"} 1`,
		`mrrbot_slash_commands_total{command="sync",result="ok"} 1`,
		`mrrbot_slash_commands_total{command="unknown",result="refused"} 1`,
		`mrrbot_digest_posts_total{result="posted"} 0`,
		`mrrbot_mrr{currency="USD",report="default"} 2908.13`,
		`mrrbot_refreshes_total{result="ok"} 1`,
		`mrrbot_refreshes_total{result="error"} 0`,
		`mrrbot_figures_read_timestamp_seconds{report="default"} 1.773576e+09`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", text)
	}
}
