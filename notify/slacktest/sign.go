package slacktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Sign returns the headers X-Slack-Request-Timestamp and X-Slack-Signature
// that Slack sends with a request whose body is body, sent at ts, for an
// app whose signing secret is secret: "v0=" and the hex HMAC-SHA256 of
// "v0:timestamp:body". It is how tests send slash commands that the
// endpoint under test must accept (or, with another secret or time,
// refuse).
func Sign(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}
