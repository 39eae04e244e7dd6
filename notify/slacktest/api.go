package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// slackError answers a Web API error the way Slack does: HTTP 200 with
// ok false.
func slackError(w http.ResponseWriter, code string, extra ...string) {
	body := map[string]any{"ok": false, "error": code}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i]] = extra[i+1]
	}
	writeJSON(w, http.StatusOK, body)
}

// bearer returns the token of a request: the Authorization header, or the
// token form field that slack-go sends for most methods.
func bearer(r *http.Request) string {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return tok
	}
	return r.PostForm.Get("token")
}

// serveAPI answers a Web API method.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, method string) {
	if err := r.ParseForm(); err != nil {
		slackError(w, "invalid_form_data")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	want := s.token
	if method == "apps.connections.open" {
		want = s.appToken
	}
	switch tok := bearer(r); {
	case tok == "":
		slackError(w, "not_authed")
		return
	case tok != want:
		slackError(w, "invalid_auth")
		return
	}
	if s.scopes != nil && method != "apps.connections.open" {
		// Slack lists the token's scopes on every Web API reply.
		w.Header().Set("X-OAuth-Scopes", strings.Join(s.scopes, ","))
	}
	if code := s.failures[method]; code != "" {
		slackError(w, code)
		return
	}

	switch method {
	case "auth.test":
		writeJSON(w, http.StatusOK, map[string]any{
			"ok": true, "url": "https://slacktest.slack.com/", "team": Team, "user": BotName,
			"team_id": "T0MRRBOT", "user_id": "U0MRRBOT", "bot_id": "B0MRRBOT",
		})
	case "chat.postMessage":
		s.postMessage(w, r)
	case "conversations.info":
		s.conversationsInfo(w, r)
	case "conversations.list":
		s.conversationsList(w, r)
	case "conversations.history":
		s.conversationsHistory(w, r)
	case "conversations.members":
		s.conversationsMembers(w, r)
	case "users.info":
		s.usersInfo(w, r)
	case "usergroups.list":
		s.usergroupsList(w, r)
	case "usergroups.users.list":
		s.usergroupsUsersList(w, r)
	case "files.getUploadURLExternal":
		s.getUploadURL(w, r)
	case "files.completeUploadExternal":
		s.completeUpload(w, r)
	case "apps.connections.open":
		url := "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link/?ticket=" + s.nextID("ticket-")
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "url": url})
	default:
		slackError(w, "unknown_method")
	}
}

// channel finds a channel by ID, name or #name. The caller holds s.mu.
func (s *Server) channel(ref string) (Channel, bool) {
	for _, c := range s.channels {
		if ref == c.ID || ref == c.Name || ref == "#"+c.Name {
			return c, true
		}
	}
	return Channel{}, false
}

// postMessage answers chat.postMessage. The caller holds s.mu.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	ch, ok := s.channel(f.Get("channel"))
	switch {
	case !ok:
		slackError(w, "channel_not_found")
		return
	case ch.NotMember:
		slackError(w, "not_in_channel")
		return
	case f.Get("text") == "" && f.Get("blocks") == "":
		slackError(w, "no_text")
		return
	}
	var blocks json.RawMessage
	if b := f.Get("blocks"); b != "" {
		var arr []json.RawMessage
		if json.Unmarshal([]byte(b), &arr) != nil {
			slackError(w, "invalid_blocks")
			return
		}
		blocks = json.RawMessage(b)
	}
	var metadata json.RawMessage
	if m := f.Get("metadata"); m != "" {
		var md struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		if json.Unmarshal([]byte(m), &md) != nil || md.EventType == "" || md.EventPayload == nil {
			slackError(w, "invalid_metadata_format")
			return
		}
		metadata = json.RawMessage(m)
	}
	// A ts is the message's time, in seconds and microseconds; the
	// sequence number keeps ts of one second unique.
	s.seq++
	ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), s.seq%1_000_000)
	s.messages = append(s.messages, Message{
		Channel: ch.ID, TS: ts, Text: f.Get("text"), Blocks: blocks, ThreadTS: f.Get("thread_ts"),
		UnfurlLinks: f.Get("unfurl_links"), UnfurlMedia: f.Get("unfurl_media"), Metadata: metadata,
	})
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "channel": ch.ID, "ts": ts,
		"message": map[string]any{"type": "message", "text": f.Get("text"), "ts": ts, "bot_id": "B0MRRBOT"},
	})
}

// getUploadURL answers files.getUploadURLExternal. The caller holds s.mu.
func (s *Server) getUploadURL(w http.ResponseWriter, r *http.Request) {
	if s.missingScope {
		slackError(w, "missing_scope", "needed", "files:write", "provided", "chat:write")
		return
	}
	f := r.PostForm
	n, err := strconv.Atoi(f.Get("length"))
	if err != nil || n <= 0 || f.Get("filename") == "" {
		slackError(w, "invalid_arguments")
		return
	}
	id := s.nextID("F0")
	s.uploads[id] = &upload{name: f.Get("filename"), alt: f.Get("alt_txt"), length: n}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/" + id, "file_id": id})
}

// serveUpload takes a file's bytes at its upload URL, as a multipart
// "file" field or a raw body.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request, id string) {
	if code := s.failure("upload"); code != "" {
		http.Error(w, code, httpStatusFor(code))
		return
	}
	var data []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(32 << 20)
		if err == nil {
			file, _, ferr := r.FormFile("file")
			if ferr != nil {
				http.Error(w, "no file field", http.StatusBadRequest)
				return
			}
			defer file.Close()
			data, err = io.ReadAll(file)
		}
	} else {
		data, err = io.ReadAll(r.Body)
	}
	if err != nil {
		http.Error(w, "unreadable upload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[id]
	if u == nil {
		http.NotFound(w, r)
		return
	}
	u.data, u.done = data, true
	fmt.Fprintf(w, "OK - %d", len(data))
}

// completeUpload answers files.completeUploadExternal. The caller holds
// s.mu.
func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	var summaries []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(f.Get("files")), &summaries); err != nil || len(summaries) == 0 {
		slackError(w, "invalid_arguments")
		return
	}
	chID := f.Get("channel_id")
	if chID != "" {
		ch, ok := s.channel(chID)
		switch {
		case !ok || ch.ID != chID:
			// channel_id takes an ID; a name is not found.
			slackError(w, "channel_not_found")
			return
		case ch.NotMember:
			slackError(w, "not_in_channel")
			return
		}
	}
	for _, sum := range summaries {
		if u := s.uploads[sum.ID]; u == nil || !u.done {
			slackError(w, "file_not_found")
			return
		}
	}
	out := []map[string]string{}
	for _, sum := range summaries {
		u := s.uploads[sum.ID]
		delete(s.uploads, sum.ID)
		s.files = append(s.files, File{
			ID: sum.ID, Name: u.name, Title: sum.Title, AltText: u.alt, Channel: chID,
			ThreadTS: f.Get("thread_ts"), InitialComment: f.Get("initial_comment"), Data: u.data,
		})
		out = append(out, map[string]string{"id": sum.ID, "title": sum.Title})
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "files": out})
}

// failure returns the error injected for method, if any.
func (s *Server) failure(method string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failures[method]
}

// httpStatusFor is the HTTP status that incoming webhooks and response
// URLs answer a Slack error with.
func httpStatusFor(code string) int {
	switch code {
	case "action_prohibited", "invalid_token":
		return http.StatusForbidden
	case "channel_not_found", "no_service", "expired_url", "used_url":
		return http.StatusNotFound
	case "channel_is_archived":
		return http.StatusGone
	case "rollup_error":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// incoming is the JSON body of a webhook post or a response URL reply.
type incoming struct {
	ResponseType    string          `json:"response_type"`
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ReplaceOriginal *bool           `json:"replace_original"`
}

// readIncoming decodes a webhook or response URL body, answering 400
// invalid_payload when it is not one.
func readIncoming(w http.ResponseWriter, r *http.Request) (incoming, []byte, bool) {
	var in incoming
	raw, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(raw, &in)
	}
	if err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return in, nil, false
	}
	if in.Text == "" && (len(in.Blocks) == 0 || string(in.Blocks) == "null") {
		http.Error(w, "no_text", http.StatusBadRequest)
		return in, nil, false
	}
	if string(in.Blocks) == "null" {
		in.Blocks = nil
	}
	return in, raw, true
}

// serveWebhook records an incoming webhook post; it answers "ok" in plain
// text, as Slack does.
func (s *Server) serveWebhook(w http.ResponseWriter, r *http.Request) {
	code := s.failure("webhook")
	if r.URL.Path != webhookPath {
		code = "no_service"
	}
	if code != "" {
		http.Error(w, code, httpStatusFor(code))
		return
	}
	in, raw, ok := readIncoming(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.webhookPosts = append(s.webhookPosts, WebhookPost{Text: in.Text, Blocks: in.Blocks, Raw: raw})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "ok")
}

// serveResponseURL records a reply to a slash command.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request, name string) {
	if code := s.failure("response_url"); code != "" {
		http.Error(w, code, httpStatusFor(code))
		return
	}
	in, raw, ok := readIncoming(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.replies[name] = append(s.replies[name], Reply{
		ResponseType: in.ResponseType, Text: in.Text, Blocks: in.Blocks, ReplaceOriginal: in.ReplaceOriginal, Raw: raw,
	})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}
