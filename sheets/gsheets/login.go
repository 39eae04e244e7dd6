package gsheets

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// LoginConfig configures [Login].
type LoginConfig struct {
	// ClientSecretFile is the OAuth client JSON of type "installed"
	// (a "Desktop app" client) downloaded from the Google Cloud console.
	ClientSecretFile string
	// TokenFile is where the login is saved; "" means DefaultTokenFile().
	TokenFile string
	// OpenBrowser opens the authorization URL in a browser. Nil, or an
	// error, leaves the user to open the printed URL.
	OpenBrowser func(url string) error
	// Out receives the instructions for the user; nil discards them.
	Out io.Writer
	// HTTPClient exchanges the authorization code; nil means a new client
	// with timeouts.
	HTTPClient *http.Client
	// Listen is the loopback address that receives the redirect; ""
	// means "127.0.0.1:0", a free port.
	Listen string
}

// Login runs the OAuth installed-app flow for the Sheets scope and saves
// the result for [NewHTTPClient]: it prints an authorization URL (and
// opens it when it can), receives the redirect on a loopback address,
// checks the state, exchanges the code with PKCE (RFC 7636, S256), and
// writes the OAuth client and the refresh token to cfg.TokenFile with mode
// 0600, as Google's authorized_user credentials, which any Google client
// reads.
// It asks for offline access with a consent prompt so that Google returns
// a refresh token. It gives up when ctx is done.
//
// Nothing secret is printed: Out gets the URL to open and the path of the
// saved file.
func Login(ctx context.Context, cfg LoginConfig) (Identity, error) {
	out := cfg.Out
	if out == nil {
		out = io.Discard
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = newBaseHTTPClient()
	}
	tokenFile := cfg.TokenFile
	if tokenFile == "" {
		var err error
		if tokenFile, err = DefaultTokenFile(); err != nil {
			return Identity{}, fmt.Errorf("login: %w", err)
		}
	}
	client, err := readInstalledClient(cfg.ClientSecretFile)
	if err != nil {
		return Identity{}, err
	}

	listen := cfg.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", listen)
	if err != nil {
		return Identity{}, fmt.Errorf("login: listen for the browser's redirect: %w", err)
	}
	conf := &oauth2.Config{
		ClientID:     client.ClientID,
		ClientSecret: client.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: client.AuthURL, TokenURL: client.TokenURL},
		RedirectURL:  "http://" + ln.Addr().String() + "/callback",
		Scopes:       []string{spreadsheetsScope},
	}
	state := rand.Text()
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL(state,
		oauth2.AccessTypeOffline, oauth2.ApprovalForce, oauth2.S256ChallengeOption(verifier))

	// Only the first callback counts: the channel has room for one.
	results := make(chan callbackResult, 1)
	srv := &http.Server{
		Handler:           callbackHandler(state, results),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		// Let the callback page finish before closing the server.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	code, err := awaitBrowser(ctx, out, authURL, cfg.OpenBrowser, results)
	if err != nil {
		return Identity{}, err
	}

	xctx := context.WithValue(ctx, oauth2.HTTPClient, hc)
	tok, err := conf.Exchange(xctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("login: exchange the authorization code: %w", err)
	}
	if tok.RefreshToken == "" {
		return Identity{}, errors.New("login: Google returned no refresh token; remove mrrbot's access at https://myaccount.google.com/permissions and log in again")
	}
	login := savedLogin{
		Type:         authorizedUser,
		ClientID:     conf.ClientID,
		ClientSecret: conf.ClientSecret,
		RefreshToken: tok.RefreshToken,
		TokenURL:     conf.Endpoint.TokenURL,
	}
	if err := writeSavedLogin(tokenFile, &login); err != nil {
		return Identity{}, fmt.Errorf("login: %w", err)
	}
	fmt.Fprintf(out, "Logged in; token saved to %s\n", tokenFile)
	return Identity{Kind: "saved login", Source: tokenFile}, nil
}

// awaitBrowser shows the user authURL, opens it with open when it can,
// and waits for the browser's redirect to bring the authorization code
// (on results), or for ctx to end.
func awaitBrowser(ctx context.Context, out io.Writer, authURL string, open func(string) error, results <-chan callbackResult) (string, error) {
	fmt.Fprintf(out, "To log in to Google, open this URL in your browser:\n\n  %s\n\n", authURL)
	// Some browsers, started directly, only return when they are closed:
	// open it on the side and wait for the redirect, not for the browser.
	var browserErr chan error
	if open != nil {
		browserErr = make(chan error, 1)
		go func() { browserErr <- open(authURL) }()
	}
	fmt.Fprintln(out, "Waiting for the browser...")
	for {
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("login: waiting for the browser: %w", ctx.Err())
		case err := <-browserErr:
			if err != nil {
				fmt.Fprintf(out, "Could not open a browser (%v); open the URL above yourself.\n", err)
			}
			browserErr = nil // a nil channel is never ready again
		case res := <-results:
			return res.code, res.err
		}
	}
}

// installedClient is the "installed" section of an OAuth client JSON.
type installedClient struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AuthURL      string `json:"auth_uri"`
	TokenURL     string `json:"token_uri"`
}

func readInstalledClient(path string) (*installedClient, error) {
	if path == "" {
		return nil, errors.New("login: no OAuth client file: create an OAuth client ID of type \"Desktop app\" in the Google Cloud console and give its JSON file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("login: read OAuth client: %w", err)
	}
	var f struct {
		Installed *installedClient `json:"installed"`
		Web       json.RawMessage  `json:"web"`
		Type      string           `json:"type"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("login: read OAuth client: %s is not JSON: %w", path, err)
	}
	switch {
	case f.Installed != nil && f.Installed.ClientID != "":
	case f.Web != nil:
		return nil, fmt.Errorf("login: %s is a web application client; create an OAuth client ID of type \"Desktop app\" and use its JSON", path)
	case f.Type == string(google.ServiceAccount):
		return nil, fmt.Errorf("login: %s is a service account key; set GOOGLE_APPLICATION_CREDENTIALS to it instead of logging in", path)
	default:
		return nil, fmt.Errorf("login: %s is not an OAuth client JSON of type \"installed\" (Desktop app)", path)
	}
	c := f.Installed
	if c.AuthURL == "" {
		c.AuthURL = google.Endpoint.AuthURL
	}
	if c.TokenURL == "" {
		c.TokenURL = google.Endpoint.TokenURL
	}
	return c, nil
}

// callbackResult is what the browser's redirect brought: a code, or why
// there is none.
type callbackResult struct {
	code string
	err  error
}

// callbackHandler serves the loopback redirect. It hands the first
// callback's outcome to results and tells the user they can close the tab.
func callbackHandler(state string, results chan<- callbackResult) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res callbackResult
		switch {
		case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1:
			// Not the request this login started: possibly forged.
			res.err = errors.New("login: the browser's redirect carries the wrong state; start the login again")
		case q.Get("error") != "":
			res.err = fmt.Errorf("login: Google refused the authorization: %q", clipParam(q.Get("error"), 64))
		case q.Get("code") == "":
			res.err = errors.New("login: the browser's redirect carries no authorization code")
		default:
			res.code = q.Get("code")
		}
		select {
		case results <- res:
		default:
			res.err = errors.New("this login has already been handled")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		msg := "mrrbot received your authorization. You can close this tab and return to the terminal."
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			msg = "mrrbot could not log in: " + res.err.Error() + ". You can close this tab and look at the terminal."
		}
		fmt.Fprintf(w, "<!doctype html>\n<title>mrrbot login</title>\n<p>%s</p>\n", html.EscapeString(msg))
	})
	return mux
}

// clipParam shortens a query parameter that goes into a message.
func clipParam(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
