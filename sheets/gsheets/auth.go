package gsheets

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// spreadsheetsScope is the one OAuth scope mrrbot asks for: read and write
// the spreadsheets the credentials can see.
const spreadsheetsScope = "https://www.googleapis.com/auth/spreadsheets"

// AuthConfig says where [NewHTTPClient] looks for Google credentials.
type AuthConfig struct {
	// Endpoint is the base URL of a Sheets-compatible API
	// (MRRBOT_SHEETS_ENDPOINT), or "" for Google. When it is set and no
	// credentials file or saved login exists, requests go unauthenticated.
	// NewHTTPClient does not read the variable itself: the caller passes
	// the same value to option.WithEndpoint.
	Endpoint string
	// CredentialsFile is a service account key (or an authorized_user
	// JSON), from a flag; "" means GOOGLE_APPLICATION_CREDENTIALS.
	CredentialsFile string
	// TokenFile is where `mrrbot auth login` saved its login; "" means
	// DefaultTokenFile().
	TokenFile string
	// HTTPClient is the base client every request, token requests
	// included, goes through. Nil means a new client with timeouts; never
	// http.DefaultClient.
	HTTPClient *http.Client
	// Logger receives retries and warnings about the saved login; nil
	// discards them.
	Logger *slog.Logger
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// OnCall and OnRetry, if set, become the [Retry] hooks of the
	// client's transport: they are told about every Sheets API request and
	// every retry, for metrics.
	OnCall  func(method string)
	OnRetry func(status, attempt int)

	// findDefault looks for Application Default Credentials; nil means
	// google.FindDefaultCredentials. Tests replace it because the real
	// one reads the process environment and probes the GCE metadata
	// server.
	findDefault func(ctx context.Context, scopes ...string) (*google.Credentials, error)
}

// Identity says which credentials a client uses, for `mrrbot` to tell the
// user (for instance which email to share the spreadsheet with).
type Identity struct {
	// Kind is "service account", "user credentials" (an authorized_user
	// JSON file), "saved login", "application default credentials" or
	// "none".
	Kind string
	// Email is the service account's client_email when known.
	Email string
	// Source is the file the credentials came from, or "".
	Source string
}

// NewHTTPClient returns an HTTP client for the Google Sheets API and the
// identity it acts as. It looks, in this order, for:
//
//  1. cfg.CredentialsFile or GOOGLE_APPLICATION_CREDENTIALS: a service
//     account key, or an authorized_user JSON;
//  2. the login that `mrrbot auth login` saved in cfg.TokenFile;
//  3. Application Default Credentials, unless cfg.Endpoint is set: then
//     the client sends no credentials at all (Kind "none").
//
// If none is found, the error says how to provide credentials. The
// client's transport is a [Retry], so every Sheets request is retried in
// that one place. Pass the client to the API with option.WithHTTPClient,
// and cfg.Endpoint, when set, with option.WithEndpoint. Errors never
// contain key material or tokens.
//
// ctx is used only while NewHTTPClient runs: token refreshes later use a
// context that is not cancelled with it, bounded by the HTTP client's
// timeouts.
func NewHTTPClient(ctx context.Context, cfg AuthConfig) (*http.Client, Identity, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	base := cfg.HTTPClient
	if base == nil {
		base = newBaseHTTPClient()
	}
	// The token source keeps this context for every later refresh.
	tokenCtx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, base)

	ts, id, err := findCredentials(tokenCtx, cfg, getenv, logger)
	if err != nil {
		return nil, Identity{}, err
	}
	transport := base.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	if ts != nil {
		transport = &oauth2.Transport{Source: ts, Base: transport}
	}
	logger.Debug("sheets credentials", "kind", id.Kind, "email", id.Email, "source", id.Source)
	return &http.Client{
		Transport:     &Retry{Base: transport, Logger: logger, OnCall: cfg.OnCall, OnRetry: cfg.OnRetry},
		CheckRedirect: base.CheckRedirect,
		Jar:           base.Jar,
		Timeout:       base.Timeout,
	}, id, nil
}

// findCredentials walks the order NewHTTPClient documents. A nil token
// source means unauthenticated.
func findCredentials(ctx context.Context, cfg AuthConfig, getenv func(string) string, logger *slog.Logger) (oauth2.TokenSource, Identity, error) {
	path, from := cfg.CredentialsFile, "credentials file"
	if path == "" {
		path, from = getenv("GOOGLE_APPLICATION_CREDENTIALS"), "GOOGLE_APPLICATION_CREDENTIALS"
	}
	if path != "" {
		return credentialsFromFile(ctx, path, from)
	}

	tokenFile := cfg.TokenFile
	if tokenFile == "" {
		// Without a config directory there is no saved login to find.
		tokenFile, _ = DefaultTokenFile()
	}
	if tokenFile != "" {
		ts, id, err := savedLoginSource(ctx, tokenFile, logger)
		if err == nil {
			return ts, id, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, Identity{}, err
		}
	}

	if cfg.Endpoint != "" {
		return nil, Identity{Kind: "none"}, nil
	}

	find := cfg.findDefault
	if find == nil {
		find = google.FindDefaultCredentials
	}
	creds, err := find(ctx, spreadsheetsScope)
	if err != nil {
		return nil, Identity{}, fmt.Errorf("no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS to the path of a service account key file "+
			"(and share the spreadsheet with its client_email), or run `mrrbot auth login` (application default credentials: %w)", err)
	}
	var key struct {
		ClientEmail string `json:"client_email"`
	}
	_ = json.Unmarshal(creds.JSON, &key) // the email is a nicety; metadata-server credentials have no JSON
	return creds.TokenSource, Identity{Kind: "application default credentials", Email: key.ClientEmail}, nil
}

// credentialsFromFile reads a service account key or an authorized_user
// JSON. from names where the path came from, for the error messages.
func credentialsFromFile(ctx context.Context, path, from string) (oauth2.TokenSource, Identity, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Identity{}, fmt.Errorf("read Google credentials (%s): %w", from, err)
	}
	var head struct {
		Type        string          `json:"type"`
		ClientEmail string          `json:"client_email"`
		PrivateKey  string          `json:"private_key"`
		Installed   json.RawMessage `json:"installed"`
		Web         json.RawMessage `json:"web"`
	}
	// json's syntax errors quote at most one character of the input, so
	// they cannot leak the key.
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, Identity{}, fmt.Errorf("read Google credentials (%s): %s is not a JSON key file: %w", from, path, err)
	}
	var (
		credType google.CredentialsType
		id       = Identity{Source: path}
	)
	switch {
	case head.Installed != nil || head.Web != nil:
		return nil, Identity{}, fmt.Errorf("read Google credentials (%s): %s is an OAuth client, not a key: give it to `mrrbot auth login` instead", from, path)
	case head.Type == string(google.ServiceAccount):
		credType, id.Kind, id.Email = google.ServiceAccount, "service account", head.ClientEmail
		// The key is otherwise parsed at the first request, where its
		// error would look like a network failure and be retried.
		if !validPrivateKey(head.PrivateKey) {
			return nil, Identity{}, fmt.Errorf("read Google credentials (%s): %s: private_key is not a PEM-encoded RSA key; download a new key for %s", from, path, head.ClientEmail)
		}
	case head.Type == string(google.AuthorizedUser):
		credType, id.Kind = google.AuthorizedUser, "user credentials"
	default:
		return nil, Identity{}, fmt.Errorf("read Google credentials (%s): %s has type %q; want a service account key (%q) or %q",
			from, path, head.Type, google.ServiceAccount, google.AuthorizedUser)
	}
	creds, err := google.CredentialsFromJSONWithType(ctx, data, credType, spreadsheetsScope)
	if err != nil {
		return nil, Identity{}, fmt.Errorf("read Google credentials (%s): %s: %w", from, path, err)
	}
	return creds.TokenSource, id, nil
}

// validPrivateKey reports whether key is what a service account key file
// holds: a PEM block with an RSA key in PKCS #8 or PKCS #1 form. It says
// no more, so that no error can quote the key.
func validPrivateKey(key string) bool {
	block, _ := pem.Decode([]byte(key))
	if block == nil {
		return false
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		_, ok := k.(*rsa.PrivateKey)
		return ok
	}
	_, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	return err == nil
}

// savedLogin is the file `mrrbot auth login` writes: Google's
// authorized_user credentials, the file `gcloud auth application-default
// login` writes and every Google client library reads (from
// GOOGLE_APPLICATION_CREDENTIALS too): the OAuth client that signed in and
// the refresh token it got. Each run trades the refresh token for an
// access token. It holds secrets and is written with mode 0600.
type savedLogin struct {
	Type         string `json:"type"` // authorizedUser
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token"`
	// TokenURL is where the refresh token is traded; "" means Google's.
	TokenURL string `json:"token_uri,omitempty"`
}

// authorizedUser is the type of Google's user credentials files.
const authorizedUser = "authorized_user"

// legacyLogin is the login file of earlier versions of mrrbot, in a format
// of its own; it is rewritten as an authorized_user file when found.
type legacyLogin struct {
	Type         string `json:"type"` // legacyLoginType
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	TokenURL     string `json:"token_uri"`
	Token        struct {
		RefreshToken string `json:"refresh_token"`
	} `json:"token"`
}

const legacyLoginType = "mrrbot_saved_login"

func (l *savedLogin) config() *oauth2.Config {
	conf := &oauth2.Config{
		ClientID:     l.ClientID,
		ClientSecret: l.ClientSecret,
		Endpoint:     google.Endpoint,
		Scopes:       []string{spreadsheetsScope},
	}
	if l.TokenURL != "" {
		conf.Endpoint.TokenURL = l.TokenURL
	}
	return conf
}

// parseSavedLogin reads a saved login, and says whether it was in the
// legacy format.
func parseSavedLogin(data []byte) (login savedLogin, legacy bool, ok bool) {
	var head struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &head) != nil {
		return savedLogin{}, false, false
	}
	switch head.Type {
	case authorizedUser:
		ok = json.Unmarshal(data, &login) == nil
		return login, false, ok
	case legacyLoginType:
		var old legacyLogin
		if json.Unmarshal(data, &old) != nil {
			return savedLogin{}, false, false
		}
		return savedLogin{Type: authorizedUser, ClientID: old.ClientID, ClientSecret: old.ClientSecret,
			RefreshToken: old.Token.RefreshToken, TokenURL: old.TokenURL}, true, true
	}
	return savedLogin{}, false, false
}

// savedLoginSource reads the saved login at path. An error wrapping
// fs.ErrNotExist means there is none. A login saved in mrrbot's earlier
// format is rewritten in Google's.
func savedLoginSource(ctx context.Context, path string, logger *slog.Logger) (oauth2.TokenSource, Identity, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Identity{}, fmt.Errorf("read saved login: %w", err)
	}
	login, legacy, ok := parseSavedLogin(data)
	if !ok {
		return nil, Identity{}, fmt.Errorf("read saved login: %s is not a login saved by `mrrbot auth login`; run it again", path)
	}
	if login.RefreshToken == "" {
		return nil, Identity{}, fmt.Errorf("read saved login: %s has no refresh token; run `mrrbot auth login` again", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		logger.Warn("saved login is readable by other users; chmod 600 it", "path", path, "mode", fi.Mode().Perm().String())
	}
	if legacy {
		if err := writeSavedLogin(path, &login); err != nil {
			logger.Warn("could not rewrite the saved login in Google's format", "path", path, "err", err)
		} else {
			logger.Info("rewrote the saved login in Google's authorized_user format", "path", path)
		}
	}
	return login.config().TokenSource(ctx, &oauth2.Token{RefreshToken: login.RefreshToken}),
		Identity{Kind: "saved login", Source: path}, nil
}

// writeSavedLogin replaces the file at path atomically: a reader sees the
// old login or the new one, never half of one. The directory is created
// with mode 0700 and the file with 0600.
func writeSavedLogin(path string, login *savedLogin) error {
	data, err := json.MarshalIndent(login, "", "  ")
	if err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save login: %w", err)
	}
	ok = true
	return nil
}

// DefaultTokenFile is where `mrrbot auth login` saves its login:
// mrrbot/token.json under the user's configuration directory
// (os.UserConfigDir).
func DefaultTokenFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("default token file: %w", err)
	}
	return filepath.Join(dir, "mrrbot", "token.json"), nil
}

// newBaseHTTPClient is the client used when the caller gives none: every
// phase of a request has a limit, and the overall limit leaves room for
// Retry's waits.
func newBaseHTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConns:          10,
		},
		Timeout: 5 * time.Minute,
	}
}
