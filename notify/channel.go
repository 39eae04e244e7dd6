package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// Channel is what Slack says about the channel a [Slack] posts to.
type Channel struct {
	ID   string // e.g. C0123456789
	Name string // without "#"
	// Member says whether the bot is in the channel; it cannot post or
	// upload charts to a channel it is not in.
	Member   bool
	Private  bool
	Archived bool
}

// CanPost checks, without posting, that the bot can post to its channel:
// the channel exists, is not archived and has the bot as a member. It
// looks the channel up with conversations.info when SLACK_CHANNEL is an ID
// and with conversations.list when it is a name such as #finance, so the
// app needs the channels:read scope (and groups:read for a private
// channel).
//
// It returns what Slack said about the channel, and an error when the bot
// cannot post there or the check could not be made. [ErrorCode] tells the
// failures apart: "channel_not_found", "not_in_channel", "is_archived",
// "missing_scope", "invalid_auth", … The error says what to do.
func (s *Slack) CanPost(ctx context.Context) (Channel, error) {
	if s.channel == "" {
		return Channel{}, errors.New("check slack channel: no channel; set SLACK_CHANNEL")
	}
	ch, err := s.lookup(ctx)
	if err != nil {
		return Channel{}, fmt.Errorf("check slack channel %s: %w", s.channel, withHint(err, s.lookupHint(err)))
	}
	// Slack's own codes for these, so callers branch on one set of codes.
	switch {
	case ch.Archived:
		err = withHint(slack.SlackErrorResponse{Err: "is_archived"}, "the channel is archived; unarchive it or set SLACK_CHANNEL to another one")
	case !ch.Member:
		err = withHint(slack.SlackErrorResponse{Err: "not_in_channel"}, "the bot is not a member of #"+ch.Name+"; invite it with /invite @mrrbot in that channel")
	default:
		return ch, nil
	}
	return ch, fmt.Errorf("check slack channel %s: %w", s.channel, err)
}

// lookup finds the channel by ID, or by name among the conversations the
// token can list.
func (s *Slack) lookup(ctx context.Context) (Channel, error) {
	name, byName := channelName(s.channel)
	if !byName {
		var info *slack.Channel
		err := s.retry.do(ctx, "conversations.info", func(ctx context.Context) error {
			var err error
			info, err = s.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: s.channel})
			return err
		})
		if err != nil {
			return Channel{}, err
		}
		return channelOf(info), nil
	}
	params := &slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, Limit: 200}
	for {
		var page []slack.Channel
		err := s.retry.do(ctx, "conversations.list", func(ctx context.Context) error {
			var err error
			page, params.Cursor, err = s.api.GetConversationsContext(ctx, params)
			return err
		})
		if err != nil {
			return Channel{}, err
		}
		for i := range page {
			if page[i].Name == name {
				return channelOf(&page[i]), nil
			}
		}
		if params.Cursor == "" {
			// Private channels are listed only to their members.
			return Channel{}, slack.SlackErrorResponse{Err: "channel_not_found"}
		}
	}
}

// channelName returns the name in ref and true when ref names a channel
// (#finance, finance) rather than giving its ID (C0123456789): names are
// lower case, IDs upper case.
func channelName(ref string) (string, bool) {
	if name, ok := strings.CutPrefix(ref, "#"); ok {
		return name, true
	}
	if ref == "" || !strings.ContainsRune("CGD", rune(ref[0])) {
		return ref, true
	}
	for _, r := range ref {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return ref, true
		}
	}
	return "", false
}

func channelOf(c *slack.Channel) Channel {
	return Channel{
		ID: c.ID, Name: c.Name, Member: c.IsMember,
		Private: c.IsPrivate, Archived: c.IsArchived,
	}
}

// lookupHint says what to do about a failed channel lookup.
func (s *Slack) lookupHint(err error) string {
	switch ErrorCode(err) {
	case "channel_not_found":
		return "Slack knows no channel " + s.channel + " that the bot can see; check SLACK_CHANNEL " +
			"(an ID such as C0123456789, or #name), and for a private channel invite the bot there with /invite @mrrbot"
	case "missing_scope":
		return "the app lacks channels:read (groups:read for a private channel), which checking the channel needs; " +
			"add it under OAuth & Permissions and reinstall the app"
	}
	return commonHint(err, botTokenVar, "SLACK_API_URL")
}

// ErrorCode returns the Slack error code in err, such as "invalid_auth" or
// "not_in_channel", or "" when err is not an error Slack answered.
func ErrorCode(err error) string { return slackCode(err) }

// TokenRefused reports whether a Slack error code means the token is no
// good: missing, wrong, revoked or expired, its account deactivated, or a
// kind of token the method does not take. It is the one list of them:
// Socket Mode gives up on them, errors say to check the token, and doctor
// says how to get a new one.
func TokenRefused(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type":
		return true
	}
	return false
}
