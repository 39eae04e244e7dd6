package slacktest

import (
	"net/http"
	"strconv"
)

// maxListLimit is the largest page conversations.list gives.
const maxListLimit = 1000

// channelJSON is a channel as conversations.info and conversations.list
// describe it. is_member is false for a channel with NotMember set.
func channelJSON(c Channel) map[string]any {
	return map[string]any{
		"id": c.ID, "name": c.Name, "is_channel": true, "is_private": c.Private,
		"is_archived": false, "is_member": !c.NotMember,
	}
}

// conversationsInfo answers conversations.info. Like Slack it takes a
// channel ID, not a name. The caller holds s.mu.
func (s *Server) conversationsInfo(w http.ResponseWriter, r *http.Request) {
	id := r.PostForm.Get("channel")
	ch, ok := s.channel(id)
	if !ok || ch.ID != id || ch.Private && ch.NotMember {
		slackError(w, "channel_not_found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channelJSON(ch)})
}

// conversationsList answers conversations.list a page at a time: limit
// channels (100 by default) from the position the cursor gives. A private
// channel is listed only when the bot is in it. The caller holds s.mu.
func (s *Server) conversationsList(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	limit := 100
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
		if err != nil || n < 0 || n > len(s.channels) {
			slackError(w, "invalid_cursor")
			return
		}
		start = n
	}
	end := min(start+limit, len(s.channels))
	page := []map[string]any{}
	for _, c := range s.channels[start:end] {
		if c.Private && c.NotMember {
			continue
		}
		page = append(page, channelJSON(c))
	}
	next := ""
	if end < len(s.channels) {
		next = strconv.Itoa(end)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "channels": page, "response_metadata": map[string]any{"next_cursor": next},
	})
}
