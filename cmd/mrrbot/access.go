package main

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"

	"github.com/mrrbot/mrrbot/notify"
)

// Who may ask a report for its figures.
//
// By default, the members of the report's channel (where its digest
// goes), guests excepted, and only in that channel: the people who see
// the digest already. A report of the config file changes that with
//
//	allow_users:      user IDs, and the word "channel" for the default
//	allow_usergroups: user group handles or IDs
//	allow_sync:       any of those, for /mrr sync
//
// allow_users and allow_usergroups together replace the default: with
// either given, only what they list may run /mrr ("channel" among
// allow_users keeps the channel's members). People they name may ask from
// anywhere (a DM, another channel), and a guest gets in only when named
// by ID. allow_sync replaces who may run /mrr sync, which otherwise is
// whoever may run /mrr.

// channelWord, in allow_users or allow_sync, stands for the members of the
// report's channel.
const channelWord = "channel"

// userIDPattern is a Slack user ID (U…, or W… on Enterprise Grid) and
// groupPattern a user group's ID (S…) or handle, with or without "@".
var (
	userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	groupPattern  = regexp.MustCompile(`^(S[A-Z0-9]{2,}|@?[a-z0-9][a-z0-9._-]*)$`)
)

// reportAccess is who may run a report's commands: the lists as the config
// gives them, and the rules they become once Slack has named the IDs.
type reportAccess struct {
	allowUsers, allowGroups, allowSync []string // nil when the config does not set them

	channelID  string // the report's channel, by ID; "" when it has none
	view, sync notify.Rule
}

// checkAllowLists checks the allow_ entries of r, returning the key of the
// first bad one.
func checkAllowLists(r *reportConfig) (string, error) {
	for _, u := range r.AllowUsers {
		if u != channelWord && !userIDPattern.MatchString(u) {
			return "allow_users", fmt.Errorf("%q is not a Slack user ID such as U0123ABCD (a profile's ⋮ menu → Copy member ID), nor %q", u, channelWord)
		}
	}
	for _, g := range r.AllowUsergroups {
		if g == channelWord {
			return "allow_usergroups", fmt.Errorf("%q goes in allow_users, for the members of the report's channel", channelWord)
		}
		if !groupPattern.MatchString(g) {
			return "allow_usergroups", fmt.Errorf("%q is not a user group's handle (finance-leads) or ID (S0123ABCD)", g)
		}
	}
	for _, e := range r.AllowSync {
		if e != channelWord && !userIDPattern.MatchString(e) && !groupPattern.MatchString(e) {
			return "allow_sync", fmt.Errorf("%q is not a user ID (U0123ABCD), a user group (finance-leads or S0123ABCD), nor %q", e, channelWord)
		}
	}
	return "", nil
}

// bindReports binds each bot to its channel by ID, resolving a channel
// name once, now, and turns its allow_ lists into rules. Two reports may
// not share a channel: the channel says which report /mrr is for.
func bindReports(ctx context.Context, bots []*bot, dir *notify.Directory, log *slog.Logger) error {
	bound := map[string]string{}
	for _, b := range bots {
		a := &b.access
		if b.channel != "" {
			id, err := dir.ChannelID(ctx, b.channel)
			if err != nil {
				return fmt.Errorf("report %s: bind /mrr to its channel: %w", b.name, err)
			}
			if other, ok := bound[id]; ok {
				return fmt.Errorf("reports %s and %s are both bound to channel %s; /mrr there must know which report to answer", other, b.name, id)
			}
			bound[id], a.channelID = b.name, id
		}
		var err error
		if a.view, err = a.rule(ctx, dir, nil); err != nil {
			return fmt.Errorf("report %s: %w", b.name, err)
		}
		a.sync = a.view
		if a.allowSync != nil {
			if a.sync, err = a.rule(ctx, dir, a.allowSync); err != nil {
				return fmt.Errorf("report %s: %w", b.name, err)
			}
		}
		a.log(log.With("report", b.name))
	}
	return nil
}

// rule makes the rule for entries, the allow_sync list; nil entries make
// the rule for /mrr from allow_users and allow_usergroups.
func (a *reportAccess) rule(ctx context.Context, dir *notify.Directory, entries []string) (notify.Rule, error) {
	r := notify.Rule{Channel: a.channelID}
	var groups []string
	if entries == nil {
		if a.allowUsers == nil && a.allowGroups == nil {
			r.ChannelMembers = true
			return r, nil
		}
		entries, groups = a.allowUsers, a.allowGroups
	}
	for _, e := range entries {
		switch {
		case e == channelWord:
			r.ChannelMembers = true
		case !isGroupEntry(e):
			r.Users = append(r.Users, e)
		default:
			groups = append(groups, e)
		}
	}
	var err error
	if r.Groups, err = dir.UserGroups(ctx, groups); err != nil {
		return notify.Rule{}, fmt.Errorf("allow lists: %w", err)
	}
	return r, nil
}

// log says at start who may ask the report, and warns when no one can.
func (a *reportAccess) log(log *slog.Logger) {
	who := func(r notify.Rule) string {
		var parts []string
		if r.ChannelMembers {
			parts = append(parts, "members of "+orNone(r.Channel))
		}
		if len(r.Users) > 0 {
			parts = append(parts, strings.Join(r.Users, " "))
		}
		for _, g := range r.Groups {
			parts = append(parts, "@"+g.Handle)
		}
		if len(parts) == 0 {
			return "no one"
		}
		return strings.Join(parts, ", ")
	}
	log.Info("who may use /mrr", "channel", orNone(a.channelID), "mrr", who(a.view), "sync", who(a.sync))
	if (!a.view.ChannelMembers || a.channelID == "") && len(a.view.Users) == 0 && len(a.view.Groups) == 0 {
		log.Warn("no one may use /mrr for this report: give it a channel, or allow_users or allow_usergroups in the config file")
	}
}

func orNone(s string) string {
	if s == "" {
		return "(no channel)"
	}
	return s
}

// admit picks the report a command is for and decides whether its sender
// may run it, writing the audit line. It returns the report to answer
// with, or nil and the one line the sender reads instead.
func (c *cli) admit(ctx context.Context, bots []*bot, dir *notify.Directory, cmd notify.Command) (*bot, notify.Message) {
	text := strings.TrimSpace(cmd.Text)
	kind := commandKind(text)
	b := pickBot(bots, cmd)
	if b == nil {
		c.metrics.slash(kind, resultRefused)
		c.audit(cmd, "", kind, notify.Decision{Reason: "no_report"})
		return nil, textMessage("No MRR report is set up for this channel. Ask whoever runs mrrbot to bind one to it in the config file.")
	}
	rule := b.access.view
	if kind == slashSync {
		rule = b.access.sync
	}
	d := dir.Check(ctx, rule, cmd.UserID, cmd.ChannelID)
	c.audit(cmd, b.name, kind, d)
	if d.Allowed {
		return b, notify.Message{}
	}
	c.metrics.slash(kind, resultRefused)
	return nil, textMessage(refusal(d, kind, b.access.channelID))
}

// refusal is the line a refused sender reads: why, in a few words, and
// whom to ask. It says nothing of who else may ask.
func refusal(d notify.Decision, kind, channel string) string {
	what := "see MRR for this report"
	if kind == slashSync {
		what = "run /mrr sync for this report"
	}
	switch d.Reason {
	case notify.ReasonUnchecked:
		return "Sorry, I could not check just now that you may " + what + ", so I did not answer. Try again in a minute; the error is in mrrbot's log."
	case notify.ReasonOutsideChannel:
		return "I answer this in <#" + channel + "> only, for its members: type the command there, or ask whoever runs mrrbot for access."
	case notify.ReasonNotMember:
		return "Sorry, only members of <#" + channel + "> may " + what + ". Ask someone there to add you, or ask whoever runs mrrbot."
	case notify.ReasonGuest:
		return "Sorry, guests may not " + what + ". Ask whoever runs mrrbot if you need to."
	}
	return "Sorry, you may not " + what + ". Ask whoever runs mrrbot for access."
}

// audit logs one line per slash command: who, where, for which report,
// what kind of command, and whether it was allowed and why. It never
// carries figures.
func (c *cli) audit(cmd notify.Command, report, kind string, d notify.Decision) {
	decision, level := "refused", slog.LevelInfo
	if d.Allowed {
		decision = "allowed"
	}
	attrs := []any{
		"user", cmd.UserID, "user_name", cmd.UserName, "team", cmd.TeamID, "channel", cmd.ChannelID,
		"report", report, "command", kind, "decision", decision, "reason", string(d.Reason),
	}
	if d.Group.ID != "" {
		attrs = append(attrs, "usergroup", d.Group.ID)
	}
	if d.Err != nil {
		attrs, level = append(attrs, "err", d.Err), slog.LevelWarn
	}
	c.logger().Log(context.Background(), level, "slash command", attrs...)
}

// refuseResponseURL refuses a command whose response_url is not Slack's:
// it is counted and audited, and nothing is computed or sent.
func (c *cli) refuseResponseURL(cmd notify.Command, err error) {
	kind := commandKind(strings.TrimSpace(cmd.Text))
	c.metrics.slash(kind, resultRefused)
	c.audit(cmd, "", kind, notify.Decision{Reason: "foreign_response_url", Err: err})
}

// postTo is where the bot's scheduled digest goes: the channel bound at
// start, by ID, so that a channel that took the configured name since gets
// no figures.
func (b *bot) postTo() string {
	if b.access.channelID != "" {
		return b.access.channelID
	}
	return b.channel
}

// pickBot returns the bot bound to the channel a command came from, by
// the channel's ID, or the only bot when there is one. A channel's name is
// never compared: anyone can rename a channel.
func pickBot(bots []*bot, cmd notify.Command) *bot {
	if len(bots) == 1 {
		return bots[0]
	}
	i := slices.IndexFunc(bots, func(b *bot) bool {
		return b.access.channelID != "" && b.access.channelID == cmd.ChannelID
	})
	if i < 0 {
		return nil
	}
	return bots[i]
}

// isGroupEntry says whether e, an entry of allow_users or allow_sync, names
// a user group: it is neither the word channel nor a user ID.
func isGroupEntry(e string) bool {
	return e != channelWord && !userIDPattern.MatchString(e)
}
