package notify

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ResponseHost is the host of the response URLs Slack gives slash
// commands (https://hooks.slack.com/commands/…).
const ResponseHost = "hooks.slack.com"

// ErrForeignResponseURL means a slash command's response_url does not
// point at Slack. The command is refused and the URL never contacted.
var ErrForeignResponseURL = errors.New("response_url is not Slack's")

// CheckResponseURL returns nil when raw, a slash command's response_url,
// points at Slack: https://hooks.slack.com/…, or the scheme, host and port
// of apiURL when one is configured (SLACK_API_URL, for a proxy or a
// stand-in; "" means none). Anything else wraps ErrForeignResponseURL.
//
// It is a defence in depth: the request is signed, or came over the
// app's own WebSocket, but a leaked signing secret must not make mrrbot
// post its answers, or send requests at all, to an address of the
// sender's choosing, such as a service inside the network. The error
// names the host only: the URL itself is a credential to answer with.
func CheckResponseURL(raw, apiURL string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%w: it is not an absolute URL", ErrForeignResponseURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: it carries a user name (host %s)", ErrForeignResponseURL, u.Host)
	}
	if strings.EqualFold(u.Scheme, "https") && strings.EqualFold(u.Hostname(), ResponseHost) && (u.Port() == "" || u.Port() == "443") {
		return nil
	}
	if apiURL != "" {
		if a, err := url.Parse(apiURL); err == nil && a.Host != "" && strings.EqualFold(u.Scheme, a.Scheme) && origin(u) == origin(a) {
			return nil
		}
		return fmt.Errorf("%w: host %s is neither %s nor SLACK_API_URL's host", ErrForeignResponseURL, u.Host, ResponseHost)
	}
	return fmt.Errorf("%w: host %s is not %s (https)", ErrForeignResponseURL, u.Host, ResponseHost)
}

// origin is u's host and port, lower case, with the scheme's default port
// filled in.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}
