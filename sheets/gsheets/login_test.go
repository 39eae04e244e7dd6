package gsheets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// installedClientFile writes the OAuth client JSON the Google Cloud
// console offers for a Desktop app, pointed at the fake.
func installedClientFile(t *testing.T, f *fakeGoogle) string {
	return writeJSON(t, "client_secret.json", map[string]any{"installed": map[string]any{
		"client_id":     fakeClientID,
		"client_secret": fakeClientSecret,
		"project_id":    "example-project",
		"auth_uri":      f.URL() + "/auth",
		"token_uri":     f.URL() + "/token",
		"redirect_uris": []string{"http://localhost"},
	}})
}

// browser is the test's stand-in for the user's browser: it loads the
// authorization URL and follows the redirect to the loopback callback.
// Read status and page after wait.
type browser struct {
	t      *testing.T
	done   chan struct{}
	status int
	page   string
}

func newBrowser(t *testing.T) *browser { return &browser{t: t, done: make(chan struct{})} }

func (b *browser) open(u string) error {
	defer close(b.done)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	if err != nil {
		b.t.Errorf("browser: %v", err)
		return err
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	b.status, b.page = resp.StatusCode, string(page)
	return nil
}

func readSavedLogin(t *testing.T, path string) savedLogin {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var l savedLogin
	if err := json.Unmarshal(data, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

func TestLoginEndToEnd(t *testing.T) {
	f := newFakeGoogle(t)
	tokenFile := filepath.Join(t.TempDir(), "config", "mrrbot", "token.json")
	b := newBrowser(t)
	var out bytes.Buffer
	id, err := Login(t.Context(), LoginConfig{
		ClientSecretFile: installedClientFile(t, f),
		TokenFile:        tokenFile,
		OpenBrowser:      b.open,
		Out:              &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out.String())
	if diff := cmp.Diff(Identity{Kind: "saved login", Source: tokenFile}, id); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	<-b.done
	if b.status != http.StatusOK || !strings.Contains(b.page, "close this tab") {
		t.Errorf("callback page: %d %q", b.status, b.page)
	}
	if want := "Logged in; token saved to " + tokenFile + "\n"; !strings.HasSuffix(out.String(), want) {
		t.Errorf("output does not end with %q:\n%s", want, out.String())
	}
	for _, secret := range []string{fakeClientSecret, fakeRefreshToken, fakeUserAccess} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("output contains %q", secret)
		}
	}
	checkMode(t, tokenFile, 0o600)
	checkMode(t, filepath.Dir(tokenFile), 0o700)
	want := savedLogin{Type: "authorized_user", ClientID: fakeClientID, ClientSecret: fakeClientSecret,
		RefreshToken: fakeRefreshToken, TokenURL: f.URL() + "/token"}
	if diff := cmp.Diff(want, readSavedLogin(t, tokenFile)); diff != "" {
		t.Errorf("saved login (-want +got):\n%s", diff)
	}
	if data, _ := os.ReadFile(tokenFile); strings.Contains(string(data), fakeUserAccess) {
		t.Errorf("the saved login holds an access token:\n%s", data)
	}
	if diff := cmp.Diff([]string{"authorization_code"}, f.grantsSeen()); diff != "" {
		t.Errorf("token grants (-want +got):\n%s", diff)
	}

	// The saved login is what NewHTTPClient finds next: the first request
	// trades its refresh token for an access token, which the second
	// reuses.
	client, id, err := NewHTTPClient(t.Context(), AuthConfig{
		TokenFile:   tokenFile,
		Getenv:      noEnv,
		Logger:      slogToTest(t, nil),
		findDefault: noADC(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Identity{Kind: "saved login", Source: tokenFile}, id); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	for range 2 {
		if _, err := getSpreadsheet(t.Context(), client, f.URL(), "s"); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]string{"Bearer user-access-2", "Bearer user-access-2"}, f.apiAuthSeen()); diff != "" {
		t.Errorf("API Authorization headers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"authorization_code", "refresh_token"}, f.grantsSeen()); diff != "" {
		t.Errorf("token grants (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, readSavedLogin(t, tokenFile)); diff != "" {
		t.Errorf("saved login after use (-want +got):\n%s", diff)
	}
	checkMode(t, tokenFile, 0o600)

	// Google's own client reads it as the user credentials it is.
	data, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, f.srv.Client())
	creds, err := google.CredentialsFromJSONWithType(ctx, data, google.AuthorizedUser, spreadsheetsScope)
	if err != nil {
		t.Fatalf("Google's client does not read the saved login: %v", err)
	}
	if tok, err := creds.TokenSource.Token(); err != nil || tok.AccessToken != fakeUserAccess+"3" {
		t.Errorf("Google's client refreshed to %v, %v; want access token 3", tok, err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(tokenFile), ".*tmp*")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestLoginRejectsWrongState(t *testing.T) {
	f := newFakeGoogle(t)
	f.wrongState = true
	tokenFile := filepath.Join(t.TempDir(), "token.json")
	b := newBrowser(t)
	_, err := Login(t.Context(), LoginConfig{
		ClientSecretFile: installedClientFile(t, f),
		TokenFile:        tokenFile,
		OpenBrowser:      b.open,
	})
	if err == nil || !strings.Contains(err.Error(), "state") {
		t.Fatalf("Login error = %v, want one about the state", err)
	}
	if _, err := os.Stat(tokenFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("token file: %v, want none written", err)
	}
	if got := f.grantsSeen(); len(got) != 0 {
		t.Errorf("code exchanged despite the wrong state: %v", got)
	}
	<-b.done
	if b.status != http.StatusBadRequest {
		t.Errorf("callback page status = %d, want 400", b.status)
	}
}

func TestLoginGivesUpWithContext(t *testing.T) {
	f := newFakeGoogle(t)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	var out bytes.Buffer
	_, err := Login(ctx, LoginConfig{
		ClientSecretFile: installedClientFile(t, f),
		TokenFile:        filepath.Join(t.TempDir(), "token.json"),
		Out:              &out, // no browser: the user is told the URL
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Login error = %v, want context.DeadlineExceeded", err)
	}
	if !strings.Contains(out.String(), f.URL()+"/auth?") {
		t.Errorf("output lacks the authorization URL:\n%s", out.String())
	}
}

func TestLoginClientFileErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	web := writeJSON(t, "web.json", map[string]any{"web": map[string]any{"client_id": fakeClientID}})
	key := writeJSON(t, "key.json", map[string]string{"type": "service_account"})
	for _, tc := range []struct {
		name, path string
		want       []string
	}{
		{"missing", missing, []string{missing}},
		{"web client", web, []string{web, "Desktop app"}},
		{"service account key", key, []string{key, "GOOGLE_APPLICATION_CREDENTIALS"}},
		{"none given", "", []string{"Desktop app"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Login(t.Context(), LoginConfig{ClientSecretFile: tc.path, TokenFile: filepath.Join(t.TempDir(), "t.json")})
			if err == nil {
				t.Fatal("Login succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
