package slacktest

import (
	"net/http"
	"slices"
	"strconv"
)

// User is a person the server knows, as users.info describes them.
type User struct {
	ID   string // e.g. "U0ALICE"
	Name string
	// Guest makes them a multi-channel guest (is_restricted), and
	// SingleChannelGuest a single-channel guest (is_ultra_restricted).
	Guest, SingleChannelGuest bool
	// Deleted makes them a deactivated account.
	Deleted bool
}

// UserGroup is a user group (a "subteam"), mentioned as @Handle.
type UserGroup struct {
	ID     string // e.g. "S0FINANCE"
	Handle string // without "@"
	Name   string
	Users  []string
	// Disabled groups are left out of usergroups.list and answered
	// no_such_subteam by usergroups.users.list unless include_disabled is
	// true.
	Disabled bool
}

// defaultMembersLimit is the page conversations.members gives when the
// request sets no limit, as Slack's does.
const defaultMembersLimit = 100

// conversationsMembers answers conversations.members a page at a time:
// limit user IDs (100 by default, 1000 at most) from the position the
// cursor gives, with the next cursor in response_metadata. A private
// channel the bot is not in is channel_not_found. The caller holds s.mu.
func (s *Server) conversationsMembers(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id := f.Get("channel")
	ch, ok := s.channel(id)
	if !ok || ch.ID != id || ch.Private && ch.NotMember {
		slackError(w, "channel_not_found")
		return
	}
	limit := defaultMembersLimit
	if v := f.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			slackError(w, "invalid_limit")
			return
		}
		limit = min(n, maxListLimit)
	}
	start := 0
	if c := f.Get("cursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > len(ch.Members) {
			slackError(w, "invalid_cursor")
			return
		}
		start = n
	}
	end := min(start+limit, len(ch.Members))
	next := ""
	if end < len(ch.Members) {
		next = strconv.Itoa(end)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "members": append([]string{}, ch.Members[start:end]...),
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

// user finds a user by ID: one declared with WithUsers, or a member of a
// channel or user group, who is then a full member. The caller holds
// s.mu.
func (s *Server) user(id string) (User, bool) {
	for _, u := range s.users {
		if u.ID == id {
			return u, true
		}
	}
	for _, c := range s.channels {
		if slices.Contains(c.Members, id) {
			return User{ID: id, Name: id}, true
		}
	}
	for _, g := range s.usergroups {
		if slices.Contains(g.Users, id) {
			return User{ID: id, Name: id}, true
		}
	}
	return User{}, false
}

// usersInfo answers users.info with the fields of a user object that say
// who they are and whether they are a guest. The caller holds s.mu.
func (s *Server) usersInfo(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(r.PostForm.Get("user"))
	if !ok {
		slackError(w, "user_not_found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": map[string]any{
		"id": u.ID, "team_id": "T0MRRBOT", "name": u.Name, "deleted": u.Deleted,
		"real_name": u.Name, "is_bot": false, "is_app_user": false,
		"is_admin": false, "is_owner": false,
		"is_restricted":       u.Guest || u.SingleChannelGuest,
		"is_ultra_restricted": u.SingleChannelGuest,
		"profile":             map[string]any{"real_name": u.Name, "display_name": u.Name},
	}})
}

// usergroupJSON is a user group as usergroups.list describes it; users
// are listed only when asked for.
func usergroupJSON(g UserGroup, withUsers bool) map[string]any {
	deleted := 0
	if g.Disabled {
		deleted = 1767225600
	}
	out := map[string]any{
		"id": g.ID, "team_id": "T0MRRBOT", "is_usergroup": true, "name": g.Name,
		"handle": g.Handle, "is_external": false, "date_delete": deleted,
		"user_count": len(g.Users),
	}
	if withUsers {
		out["users"] = append([]string{}, g.Users...)
	}
	return out
}

// usergroupsList answers usergroups.list: every enabled group (and the
// disabled ones with include_disabled), in no particular order, with
// their members when include_users is true. The caller holds s.mu.
func (s *Server) usergroupsList(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	withDisabled, withUsers := f.Get("include_disabled") == "true", f.Get("include_users") == "true"
	groups := []map[string]any{}
	for _, g := range s.usergroups {
		if g.Disabled && !withDisabled {
			continue
		}
		groups = append(groups, usergroupJSON(g, withUsers))
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "usergroups": groups})
}

// usergroupsUsersList answers usergroups.users.list with the IDs of a
// group's members. The caller holds s.mu.
func (s *Server) usergroupsUsersList(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id := f.Get("usergroup")
	for _, g := range s.usergroups {
		if g.ID == id && (!g.Disabled || f.Get("include_disabled") == "true") {
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "users": append([]string{}, g.Users...)})
			return
		}
	}
	slackError(w, "no_such_subteam")
}

// AddChannel adds a channel, as someone creating one would.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels = append(s.channels, c)
}

// RenameChannel gives the channel with ID id a new name; its ID stays.
func (s *Server) RenameChannel(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.channels {
		if s.channels[i].ID == id {
			s.channels[i].Name = name
		}
	}
}

// SetMembers replaces the members of the channel with ID id, as people
// joining and leaving it would.
func (s *Server) SetMembers(id string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.channels {
		if s.channels[i].ID == id {
			s.channels[i].Members = append([]string(nil), users...)
		}
	}
}

// SetGroupUsers replaces the members of the user group with ID id.
func (s *Server) SetGroupUsers(id string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.usergroups {
		if s.usergroups[i].ID == id {
			s.usergroups[i].Users = append([]string(nil), users...)
		}
	}
}
