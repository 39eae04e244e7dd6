package slacktest

import (
	"net/http"
	"strconv"
	"strings"
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

// maxHistoryLimit is the largest page conversations.history gives.
const maxHistoryLimit = 999

// conversationsHistory answers conversations.history: the channel's
// messages (not thread replies) newest first, after oldest and before
// latest (Unix times as "seconds.micros"; inclusive=1 takes messages at
// them too), limit at a time (100 by default) from the position the
// cursor gives, with has_more. Like Slack, it takes a channel ID, not a
// name, refuses a channel the bot is not in (not_in_channel), and includes
// each message's metadata only with include_all_metadata. The caller holds
// s.mu.
func (s *Server) conversationsHistory(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id := f.Get("channel")
	ch, ok := s.channel(id)
	switch {
	case !ok || ch.ID != id:
		slackError(w, "channel_not_found")
		return
	case ch.NotMember:
		slackError(w, "not_in_channel")
		return
	}
	limit := 100
	if v := f.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			slackError(w, "invalid_limit")
			return
		}
		limit = min(n, maxHistoryLimit)
	}
	inclusive := f.Get("inclusive") == "1" || f.Get("inclusive") == "true"
	oldest, latest := f.Get("oldest"), f.Get("latest")
	in := func(ts string) bool {
		after := oldest == "" || tsLess(oldest, ts) || inclusive && ts == oldest
		before := latest == "" || tsLess(ts, latest) || inclusive && ts == latest
		return after && before
	}
	var msgs []Message
	for i := len(s.messages) - 1; i >= 0; i-- {
		if m := s.messages[i]; m.Channel == ch.ID && m.ThreadTS == "" && in(m.TS) {
			msgs = append(msgs, m)
		}
	}
	start := 0
	if c := f.Get("cursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > len(msgs) {
			slackError(w, "invalid_cursor")
			return
		}
		start = n
	}
	end := min(start+limit, len(msgs))
	withMetadata := f.Get("include_all_metadata") == "1" || f.Get("include_all_metadata") == "true"
	page := []map[string]any{}
	for _, m := range msgs[start:end] {
		out := map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "bot_id": "B0MRRBOT", "app_id": "A0MRRBOT"}
		if m.Blocks != nil {
			out["blocks"] = m.Blocks
		}
		if withMetadata && m.Metadata != nil {
			out["metadata"] = m.Metadata
		}
		page = append(page, out)
	}
	next := ""
	if end < len(msgs) {
		next = strconv.Itoa(end)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "messages": page, "has_more": next != "",
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

// tsLess orders two message timestamps, "seconds.micros".
func tsLess(a, b string) bool {
	as, am := splitTS(a)
	bs, bm := splitTS(b)
	return as < bs || as == bs && am < bm
}

func splitTS(ts string) (int64, int64) {
	sec, micro, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	m, _ := strconv.ParseInt((micro + "000000")[:6], 10, 64)
	return s, m
}
