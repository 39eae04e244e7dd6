// Package notify brings mrrbot's figures to Slack: it posts a message (with
// a bot token or an incoming webhook), uploads a chart, makes sure a digest
// is posted once per month and channel through a Ledger kept with the data,
// takes slash commands over HTTP ([SlashHandler]: verify, acknowledge,
// answer on the response URL) or Socket Mode, and decides who may run them
// (a [Directory] asks Slack who is in a channel or a user group and who is
// a guest) and where their answers may go ([CheckResponseURL]).
//
// Every call to Slack goes through one retrying path that waits out rate
// limits (429 with Retry-After). Tokens, signing secrets and webhook URLs
// never appear in errors or logs.
package notify

import (
	"context"

	"github.com/slack-go/slack"
)

// Message is what mrrbot posts: Block Kit blocks with a plain-text
// fallback that carries the headline numbers, and optionally a chart.
type Message struct {
	// Text is the fallback text, shown in notifications and by clients
	// that do not render blocks.
	Text   string
	Blocks []slack.Block
	// Chart is a PNG image posted with the message when the token allows
	// uploads; the message stands without it.
	Chart     []byte
	ChartName string // file name, e.g. "mrr-2026-10.png"
	ChartAlt  string // alt text
	// Key identifies the message, such as a digest's ledger key
	// ([DigestKey]); [PostOnce] sets it. A poster with a bot token posts it
	// in the message's metadata (event type [MetadataEventType]), so that
	// after a failure that leaves unknown whether Slack delivered the
	// message it can look for it before posting again. A post with a Key
	// that may have been delivered is never simply sent again: its error
	// wraps [ErrMaybePosted].
	Key string
}

// MetadataEventType is the event type of the metadata of a message posted
// with a Key; its payload holds the key as "key".
const MetadataEventType = "mrrbot_digest"

// Poster posts a message to its channel.
type Poster interface {
	Post(ctx context.Context, msg Message) (Posted, error)
}

// Posted says where a message went.
type Posted struct {
	Channel   string
	Timestamp string // the message's ts, when Slack returns one
	// ChartUploaded is false when the chart could not be uploaded (for
	// instance without the files:write scope); the message was posted.
	ChartUploaded bool
}

// Ledger records which digests were posted, with the data they report on
// (a spreadsheet's developer metadata, a workbook's hidden tab), so a
// restart or a second host does not post the same digest twice.
type Ledger interface {
	// Claim reserves key. It returns false, and no error, when key was
	// claimed before: the digest was posted, or is being posted.
	Claim(ctx context.Context, key, note string) (bool, error)
	// Release gives a claim back after a failed post, so a later run may
	// try again.
	Release(ctx context.Context, key string) error
}

// DigestKey is the ledger key of the digest for month (YYYY-MM) in
// channel.
func DigestKey(channel, month string) string { return "digest/" + channel + "/" + month }
