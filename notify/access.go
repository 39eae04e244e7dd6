package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// DefaultAccessTTL is how long a [Directory] keeps what Slack said about a
// channel's members, a user group's members or a person: someone who joins
// or leaves the channel is seen within this time.
const DefaultAccessTTL = 5 * time.Minute

// fetchTimeout bounds one question to Slack, its retries and pages
// included.
const fetchTimeout = time.Minute

// membersPage is the page size of conversations.members, as Slack
// recommends (no more than 200).
const membersPage = 200

// Reason says why a slash command was allowed or refused, in the audit log
// and to pick the line a refused person reads.
type Reason string

// Reasons of a [Decision].
const (
	// ReasonNamed: the person is named by ID in the rule's Users.
	ReasonNamed Reason = "named"
	// ReasonUserGroup: the person is in one of the rule's user groups.
	ReasonUserGroup Reason = "usergroup"
	// ReasonChannelMember: the person is a member of the report's channel
	// and typed the command there.
	ReasonChannelMember Reason = "channel_member"
	// ReasonGuest: the person is a guest of the workspace (multi- or
	// single-channel) and not named by ID.
	ReasonGuest Reason = "guest"
	// ReasonDeactivated: the person's account is deactivated.
	ReasonDeactivated Reason = "deactivated"
	// ReasonOutsideChannel: the command was typed outside the report's
	// channel (a DM, another channel) by someone the rule lets in only
	// there.
	ReasonOutsideChannel Reason = "outside_channel"
	// ReasonNotMember: typed in the report's channel by someone Slack does
	// not list among its members.
	ReasonNotMember Reason = "not_member"
	// ReasonNoChannel: the rule counts the channel's members but the
	// report has no channel.
	ReasonNoChannel Reason = "no_channel"
	// ReasonNotListed: the rule does not count the channel's members and
	// the person is neither named nor in a listed user group.
	ReasonNotListed Reason = "not_listed"
	// ReasonUnchecked: Slack could not be asked (an error, a missing
	// scope, no bot token); the command is refused.
	ReasonUnchecked Reason = "check_failed"
)

// Rule says who may run a command for one report. The zero Rule lets no
// one in.
type Rule struct {
	// Channel is the ID of the report's channel, where its digest goes;
	// "" when it has none.
	Channel string
	// ChannelMembers lets the members of Channel in, guests excepted, for
	// commands typed in Channel itself.
	ChannelMembers bool
	// Users are user IDs let in wherever they type the command, guests
	// included: naming a person is a deliberate choice.
	Users []string
	// Groups are user groups whose members, guests excepted, are let in
	// wherever they type the command.
	Groups []UserGroup
}

// UserGroup is a Slack user group, as a [Rule] names it.
type UserGroup struct {
	ID     string // e.g. S0123ABCD
	Handle string // without "@"; "" when only the ID is known
}

// Decision is whether a person may run a command, and why.
type Decision struct {
	Allowed bool
	Reason  Reason
	// Group is the user group that let the person in, for ReasonUserGroup.
	Group UserGroup
	// Err is why the check could not be made, for ReasonUnchecked.
	Err error
}

// DirectoryConfig configures a [Directory].
type DirectoryConfig struct {
	// Token is the bot token (SLACK_BOT_TOKEN). It needs channels:read
	// and groups:read (conversations.members), users:read (users.info,
	// to tell guests) and usergroups:read (user groups). Without a token
	// every question fails, and only people named by ID get in.
	Token string
	// APIURL is the base URL of the Web API, ending in /api/
	// (SLACK_API_URL); "" means Slack's.
	APIURL string
	// HTTPClient sends the requests; nil means a client with a 30s
	// timeout.
	HTTPClient *http.Client
	// Logger receives retries; nil discards them.
	Logger *slog.Logger
	// TTL is how long answers are kept; zero means DefaultAccessTTL.
	TTL time.Duration
	// Now is the clock the TTL is measured with; nil means time.Now.
	Now func() time.Time
	// Hooks are told about every call and retry, for metrics.
	Hooks Hooks
}

// Directory answers who is in a channel or a user group and who is a
// guest, from Slack's Web API, keeping each answer for a few minutes so
// that a burst of commands asks Slack once. Questions asked together
// share one request. Failures are not kept. It is safe for concurrent
// use.
type Directory struct {
	api   *slack.Client
	token string
	retry retrier
	ttl   time.Duration
	now   func() time.Time

	mu       sync.Mutex
	cache    map[string]cached
	inflight map[string]*lookup
}

// cached is one answer and when it was fetched.
type cached struct {
	at    time.Time
	value any
}

// lookup is a question being asked of Slack; the goroutines that ask it
// too wait for done.
type lookup struct {
	done  chan struct{}
	value any
	err   error
}

// person is what access control needs to know of a user.
type person struct{ guest, deleted bool }

// NewDirectory returns a Directory for cfg. It makes no request.
func NewDirectory(cfg DirectoryConfig) *Directory {
	retry := newRetrier(0, nil, cfg.Logger, newRedactor(cfg.Token))
	retry.hooks = cfg.Hooks
	d := &Directory{
		api: slack.New(cfg.Token,
			slack.OptionAPIURL(apiURL(cfg.APIURL)),
			slack.OptionHTTPClient(orDefaultClient(cfg.HTTPClient)),
		),
		token:    cfg.Token,
		retry:    retry,
		ttl:      cfg.TTL,
		now:      cfg.Now,
		cache:    map[string]cached{},
		inflight: map[string]*lookup{},
	}
	if d.ttl <= 0 {
		d.ttl = DefaultAccessTTL
	}
	if d.now == nil {
		d.now = time.Now
	}
	return d
}

// errNoToken is the failure of every question asked without a bot token.
var errNoToken = errors.New("no bot token to ask Slack with; set SLACK_BOT_TOKEN")

// Check decides whether user may run a command typed in channel under
// rule. In order:
//
//  1. a user named in rule.Users is allowed, wherever they typed it;
//  2. a guest or a deactivated account is refused (users.info);
//  3. a member of one of rule.Groups is allowed, wherever they typed it
//     (usergroups.users.list);
//  4. with rule.ChannelMembers, a command typed outside rule.Channel is
//     refused, and one typed in it is allowed when Slack lists user among
//     the channel's members (conversations.members).
//
// Anyone else is refused. When Slack cannot be asked, the command is
// refused with ReasonUnchecked and the error: access is never granted on
// a failure.
func (d *Directory) Check(ctx context.Context, rule Rule, user, channel string) Decision {
	if user == "" {
		return Decision{Reason: ReasonNotListed}
	}
	if slices.Contains(rule.Users, user) {
		return Decision{Allowed: true, Reason: ReasonNamed}
	}
	if len(rule.Groups) == 0 && (!rule.ChannelMembers || rule.Channel == "") {
		// Nobody else could get in: Slack need not be asked.
		if rule.ChannelMembers {
			return Decision{Reason: ReasonNoChannel}
		}
		return Decision{Reason: ReasonNotListed}
	}
	p, err := d.person(ctx, user)
	switch {
	case err != nil:
		return Decision{Reason: ReasonUnchecked, Err: err}
	case p.deleted:
		return Decision{Reason: ReasonDeactivated}
	case p.guest:
		return Decision{Reason: ReasonGuest}
	}
	for _, g := range rule.Groups {
		members, err := d.groupMembers(ctx, g)
		if err != nil {
			return Decision{Reason: ReasonUnchecked, Err: err}
		}
		if members[user] {
			return Decision{Allowed: true, Reason: ReasonUserGroup, Group: g}
		}
	}
	switch {
	case !rule.ChannelMembers:
		return Decision{Reason: ReasonNotListed}
	case rule.Channel == "":
		return Decision{Reason: ReasonNoChannel}
	case channel != rule.Channel:
		return Decision{Reason: ReasonOutsideChannel}
	}
	members, err := d.channelMembers(ctx, rule.Channel)
	if err != nil {
		return Decision{Reason: ReasonUnchecked, Err: err}
	}
	if members[user] {
		return Decision{Allowed: true, Reason: ReasonChannelMember}
	}
	return Decision{Reason: ReasonNotMember}
}

// ChannelID returns the ID of the channel ref names: ref itself when it is
// an ID (C0123456789), else the ID of the channel called ref (#finance or
// finance) now, found with conversations.list. Binding by ID means that a
// channel renamed later, or a new channel given the old name, changes
// nothing.
func (d *Directory) ChannelID(ctx context.Context, ref string) (string, error) {
	if _, byName := channelName(ref); !byName {
		return ref, nil
	}
	if d.token == "" {
		return "", fmt.Errorf("find slack channel %s: %w, or give the channel's ID (C0123456789) instead", ref, errNoToken)
	}
	s := &Slack{api: d.api, channel: ref, logger: d.retry.logger, retry: d.retry}
	ch, err := s.lookup(ctx)
	if err != nil {
		return "", fmt.Errorf("find slack channel %s: %w", ref, withHint(err, s.lookupHint(err)))
	}
	return ch.ID, nil
}

// UserGroups finds the user groups refs name, each a handle (finance or
// @finance) or an ID (S0123ABCD), with usergroups.list. A name that no
// enabled group has is an error.
func (d *Directory) UserGroups(ctx context.Context, refs []string) ([]UserGroup, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	if d.token == "" {
		return nil, fmt.Errorf("find slack user groups: %w", errNoToken)
	}
	var all []slack.UserGroup
	err := d.retry.do(ctx, "usergroups.list", func(ctx context.Context) error {
		var err error
		all, err = d.api.GetUserGroupsContext(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find slack user groups: %w", withHint(err, groupsHint(err)))
	}
	out := make([]UserGroup, 0, len(refs))
	for _, ref := range refs {
		handle := strings.TrimPrefix(ref, "@")
		i := slices.IndexFunc(all, func(g slack.UserGroup) bool { return g.ID == ref || g.Handle == handle })
		if i < 0 {
			return nil, fmt.Errorf("find slack user group %s: Slack knows no enabled user group with that handle or ID", ref)
		}
		out = append(out, UserGroup{ID: all[i].ID, Handle: all[i].Handle})
	}
	return out, nil
}

// person asks users.info whether user is a guest or deactivated.
func (d *Directory) person(ctx context.Context, user string) (person, error) {
	v, err := d.ask(ctx, "user/"+user, func(ctx context.Context) (any, error) {
		var u *slack.User
		err := d.retry.do(ctx, "users.info", func(ctx context.Context) error {
			var err error
			u, err = d.api.GetUserInfoContext(ctx, user)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("look up slack user %s: %w", user, withHint(err, scopeHint(err, "users:read")))
		}
		return person{guest: u.IsRestricted || u.IsUltraRestricted, deleted: u.Deleted}, nil
	})
	if err != nil {
		return person{}, err
	}
	return v.(person), nil
}

// channelMembers lists the members of channel, page by page.
func (d *Directory) channelMembers(ctx context.Context, channel string) (map[string]bool, error) {
	v, err := d.ask(ctx, "channel/"+channel, func(ctx context.Context) (any, error) {
		members := map[string]bool{}
		params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: membersPage}
		for {
			var page []string
			err := d.retry.do(ctx, "conversations.members", func(ctx context.Context) error {
				var err error
				page, params.Cursor, err = d.api.GetUsersInConversationContext(ctx, params)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("list the members of slack channel %s: %w", channel, withHint(err, membersHint(err)))
			}
			for _, id := range page {
				members[id] = true
			}
			if params.Cursor == "" {
				return members, nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]bool), nil
}

// groupMembers lists the members of the user group g.
func (d *Directory) groupMembers(ctx context.Context, g UserGroup) (map[string]bool, error) {
	v, err := d.ask(ctx, "usergroup/"+g.ID, func(ctx context.Context) (any, error) {
		var users []string
		err := d.retry.do(ctx, "usergroups.users.list", func(ctx context.Context) error {
			var err error
			users, err = d.api.GetUserGroupMembersContext(ctx, g.ID)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("list the members of slack user group %s: %w", g.ID, withHint(err, groupsHint(err)))
		}
		members := make(map[string]bool, len(users))
		for _, id := range users {
			members[id] = true
		}
		return members, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]bool), nil
}

// ask returns the answer kept under key while it is younger than the TTL,
// or fetches it, sharing one fetch among the callers that ask together.
// Failures are not kept: the next question asks again.
func (d *Directory) ask(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	if d.token == "" {
		return nil, errNoToken
	}
	d.mu.Lock()
	if c, ok := d.cache[key]; ok && d.now().Sub(c.at) < d.ttl {
		d.mu.Unlock()
		return c.value, nil
	}
	if l, ok := d.inflight[key]; ok {
		d.mu.Unlock()
		select {
		case <-l.done:
			return l.value, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l := &lookup{done: make(chan struct{})}
	d.inflight[key] = l
	d.mu.Unlock()

	// The fetch is shared: one caller's cancelled context must not fail
	// the others, so it has a deadline of its own.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	l.value, l.err = fetch(fctx)
	cancel()
	d.mu.Lock()
	delete(d.inflight, key)
	if l.err == nil {
		d.cache[key] = cached{at: d.now(), value: l.value}
	}
	d.mu.Unlock()
	close(l.done)
	return l.value, l.err
}

// scopeHint says what to do about a failed lookup, naming the scope it
// needs when Slack says one is missing.
func scopeHint(err error, scope string) string {
	if slackCode(err) == "missing_scope" {
		return "the app lacks " + scope + ", which checking who may use /mrr needs; add it under OAuth & Permissions and reinstall the app"
	}
	return commonHint(err, botTokenVar, "SLACK_API_URL")
}

// membersHint says what to do about a failed conversations.members.
func membersHint(err error) string {
	if slackCode(err) == "channel_not_found" {
		return "Slack knows no such channel that the bot can see; for a private channel, invite the bot there with /invite @mrrbot"
	}
	return scopeHint(err, "channels:read (groups:read for a private channel)")
}

// groupsHint says what to do about a failed user group lookup.
func groupsHint(err error) string {
	switch slackCode(err) {
	case "no_such_subteam":
		return "the user group was deleted or disabled; update allow_usergroups"
	case "plan_upgrade_required":
		return "this workspace's plan has no user groups; name people in allow_users instead"
	}
	return scopeHint(err, "usergroups:read")
}
