package gsheets

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// Secrets the fakes hand out. Tests check that none of them, nor the
// private key, ever shows in an error, a log or the user's terminal.
const (
	fakeServiceEmail  = "mrrbot-bot@example-project.iam.gserviceaccount.com"
	fakeClientID      = "client-id-1.apps.googleusercontent.com"
	fakeClientSecret  = "client-secret-value-7f3a"
	fakeRefreshToken  = "refresh-secret-9c1e"
	fakeSAAccessToken = "sa-access-"   // + a serial number
	fakeUserAccess    = "user-access-" // + a serial number
)

// fakeKey is generated once: RSA key generation is slow under -race.
var fakeKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fakeKeyPEM is the key as a service account JSON carries it.
func fakeKeyPEM(t *testing.T) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(fakeKey())
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// fakeGoogle stands in for Google's OAuth endpoints (/auth, /token) and
// for the Sheets API (/v4/spreadsheets/{id}). It is stateful: tests
// assert on what it saw.
type fakeGoogle struct {
	t   *testing.T
	srv *httptest.Server

	mu sync.Mutex
	// Knobs.
	wrongState      bool // /auth redirects with a state of its own
	tokenStatus     int  // when set, /token fails with this status
	apiFailures     int  // the API answers 503 to this many calls first
	loginExpiresIn  int  // expires_in of the token an authorization code buys
	refreshStatuses []int
	// Observations.
	grants      []string // grant types /token served
	apiAuth     []string // Authorization headers the API saw
	issued      int
	challenges  map[string]string // code → code_challenge
	redirectURI map[string]string // code → redirect_uri
}

func newFakeGoogle(t *testing.T) *fakeGoogle {
	f := &fakeGoogle{t: t, loginExpiresIn: 1, challenges: map[string]string{}, redirectURI: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth", f.auth)
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("GET /v4/spreadsheets/{id}", f.api)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGoogle) URL() string { return f.srv.URL }

func (f *fakeGoogle) grantsSeen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.grants...)
}

func (f *fakeGoogle) apiAuthSeen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.apiAuth...)
}

// auth is the consent screen, already agreed to: it checks the request
// and redirects to the app's redirect_uri with a code.
func (f *fakeGoogle) auth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	want := map[string]string{
		"client_id":             fakeClientID,
		"response_type":         "code",
		"scope":                 spreadsheetsScope,
		"access_type":           "offline",
		"prompt":                "consent",
		"code_challenge_method": "S256",
	}
	for k, v := range want {
		if q.Get(k) != v {
			f.t.Errorf("/auth: %s = %q, want %q", k, q.Get(k), v)
		}
	}
	redirect := q.Get("redirect_uri")
	if !strings.HasPrefix(redirect, "http://127.0.0.1:") || !strings.HasSuffix(redirect, "/callback") {
		f.t.Errorf("/auth: redirect_uri = %q, want http://127.0.0.1:PORT/callback", redirect)
	}
	if q.Get("code_challenge") == "" || q.Get("state") == "" {
		f.t.Errorf("/auth: no code_challenge or state in %v", q)
	}
	f.mu.Lock()
	code := fmt.Sprintf("code-%d", len(f.challenges)+1)
	f.challenges[code] = q.Get("code_challenge")
	f.redirectURI[code] = redirect
	state := q.Get("state")
	if f.wrongState {
		state = "forged-state"
	}
	f.mu.Unlock()
	http.Redirect(w, r, redirect+"?code="+code+"&state="+state, http.StatusFound)
}

// token serves the three grants mrrbot uses.
func (f *fakeGoogle) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	grant := r.PostForm.Get("grant_type")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.grants = append(f.grants, grant)
	status := f.tokenStatus
	if grant == "refresh_token" && len(f.refreshStatuses) > 0 {
		status, f.refreshStatuses = f.refreshStatuses[0], f.refreshStatuses[1:]
	}
	if status != 0 {
		tokenError(w, status, "invalid_grant", "Token has been expired or revoked.")
		return
	}
	f.issued++
	resp := map[string]any{"token_type": "Bearer", "expires_in": 3600}
	switch grant {
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		if err := verifyAssertion(r.PostForm.Get("assertion"), r.Host); err != nil {
			tokenError(w, http.StatusBadRequest, "invalid_grant", err.Error())
			return
		}
		resp["access_token"] = fmt.Sprint(fakeSAAccessToken, f.issued)
	case "refresh_token":
		if !clientAuthenticated(r) || r.PostForm.Get("refresh_token") != fakeRefreshToken {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "bad client or refresh token")
			return
		}
		// Like Google: a refresh returns no new refresh token.
		resp["access_token"] = fmt.Sprint(fakeUserAccess, f.issued)
	case "authorization_code":
		code := r.PostForm.Get("code")
		challenge, ok := f.challenges[code]
		delete(f.challenges, code) // codes are single-use
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		switch {
		case !ok || !clientAuthenticated(r):
			tokenError(w, http.StatusBadRequest, "invalid_grant", "bad client or code")
			return
		case r.PostForm.Get("redirect_uri") != f.redirectURI[code]:
			tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri mismatch")
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != challenge: // RFC 7636, 4.6
			tokenError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the challenge")
			return
		}
		resp["access_token"] = fmt.Sprint(fakeUserAccess, f.issued)
		resp["refresh_token"] = fakeRefreshToken
		resp["expires_in"] = f.loginExpiresIn
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", grant)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// clientAuthenticated accepts the client's credentials in either place
// RFC 6749 allows.
func clientAuthenticated(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	return id == fakeClientID && secret == fakeClientSecret
}

// verifyAssertion checks a service account's signed JWT the way Google's
// token endpoint would.
func verifyAssertion(jwt, host string) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return errors.New("assertion is not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&fakeKey().PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("bad signature: %v", err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return err
	}
	var claims struct {
		Iss, Scope, Aud string
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		return err
	}
	if claims.Iss != fakeServiceEmail || claims.Scope != spreadsheetsScope || !strings.Contains(claims.Aud, host) {
		return fmt.Errorf("bad claims %+v", claims)
	}
	return nil
}

// api answers a spreadsheets.get, after apiFailures 503s.
func (f *fakeGoogle) api(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.apiAuth = append(f.apiAuth, r.Header.Get("Authorization"))
	fail := f.apiFailures > 0
	if fail {
		f.apiFailures--
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"spreadsheetId": r.PathValue("id")})
}

// writeJSON writes v to name in a fresh directory and returns the path.
func writeJSON(t *testing.T, name string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func serviceAccountJSON(t *testing.T, tokenURL string) map[string]string {
	return map[string]string{
		"type":           "service_account",
		"project_id":     "example-project",
		"private_key_id": "key-1",
		"private_key":    fakeKeyPEM(t),
		"client_email":   fakeServiceEmail,
		"client_id":      "1234567890",
		"token_uri":      tokenURL,
	}
}

func noEnv(string) string { return "" }

// noADC fails the test if Application Default Credentials are looked up.
func noADC(t *testing.T) func(context.Context, ...string) (*google.Credentials, error) {
	return func(context.Context, ...string) (*google.Credentials, error) {
		t.Error("looked up application default credentials")
		return nil, errors.New("no ADC in tests")
	}
}

// getSpreadsheet calls spreadsheets.get through the real API library, the
// way mrrbot wires it.
func getSpreadsheet(ctx context.Context, client *http.Client, endpoint, id string) (*sheetsapi.Spreadsheet, error) {
	svc, err := sheetsapi.NewService(ctx, option.WithHTTPClient(client), option.WithEndpoint(endpoint+"/"))
	if err != nil {
		return nil, err
	}
	return svc.Spreadsheets.Get(id).Context(ctx).Do()
}

func TestNewHTTPClientServiceAccount(t *testing.T) {
	f := newFakeGoogle(t)
	path := writeJSON(t, "key.json", serviceAccountJSON(t, f.URL()+"/token"))
	client, id, err := NewHTTPClient(t.Context(), AuthConfig{
		CredentialsFile: path,
		TokenFile:       filepath.Join(t.TempDir(), "token.json"),
		Logger:          slogToTest(t, nil),
		Getenv:          noEnv,
		findDefault:     noADC(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{Kind: "service account", Email: fakeServiceEmail, Source: path}
	if diff := cmp.Diff(want, id); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if _, ok := client.Transport.(*Retry); !ok {
		t.Errorf("client transport is %T, want *Retry", client.Transport)
	}
	for range 2 {
		ss, err := getSpreadsheet(t.Context(), client, f.URL(), "sheet-1")
		if err != nil {
			t.Fatal(err)
		}
		if ss.SpreadsheetId != "sheet-1" {
			t.Errorf("spreadsheet id = %q", ss.SpreadsheetId)
		}
	}
	if diff := cmp.Diff([]string{"Bearer sa-access-1", "Bearer sa-access-1"}, f.apiAuthSeen()); diff != "" {
		t.Errorf("API Authorization headers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"urn:ietf:params:oauth:grant-type:jwt-bearer"}, f.grantsSeen()); diff != "" {
		t.Errorf("token grants (-want +got):\n%s", diff)
	}
}

func TestNewHTTPClientRetriesInOnePlace(t *testing.T) {
	for _, tc := range []struct {
		name        string
		apiFailures int
		wantCalls   int
		wantCode    int // 0: success
	}{
		{"recovers", 2, 3, 0},
		{"gives up", 100, 3, http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGoogle(t)
			f.apiFailures = tc.apiFailures
			path := writeJSON(t, "key.json", serviceAccountJSON(t, f.URL()+"/token"))
			client, _, err := NewHTTPClient(t.Context(), AuthConfig{CredentialsFile: path, Getenv: noEnv, Logger: slogToTest(t, nil), findDefault: noADC(t)})
			if err != nil {
				t.Fatal(err)
			}
			// Real time here: keep the waits short.
			r := client.Transport.(*Retry)
			r.MaxAttempts, r.BaseDelay, r.MaxDelay = 3, time.Millisecond, 5*time.Millisecond
			_, err = getSpreadsheet(t.Context(), client, f.URL(), "sheet-1")
			var gerr *googleapi.Error
			switch {
			case tc.wantCode == 0 && err != nil:
				t.Errorf("err = %v, want success", err)
			case tc.wantCode != 0 && (!errors.As(err, &gerr) || gerr.Code != tc.wantCode):
				t.Errorf("err = %v, want a googleapi.Error with code %d", err, tc.wantCode)
			}
			if got := len(f.apiAuthSeen()); got != tc.wantCalls {
				t.Errorf("API calls = %d, want %d", got, tc.wantCalls)
			}
		})
	}
}

func TestNewHTTPClientAuthorizedUser(t *testing.T) {
	f := newFakeGoogle(t)
	path := writeJSON(t, "adc.json", map[string]string{
		"type":          "authorized_user",
		"client_id":     fakeClientID,
		"client_secret": fakeClientSecret,
		"refresh_token": fakeRefreshToken,
		"token_uri":     f.URL() + "/token",
	})
	client, id, err := NewHTTPClient(t.Context(), AuthConfig{CredentialsFile: path, Getenv: noEnv, Logger: slogToTest(t, nil), findDefault: noADC(t)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Identity{Kind: "user credentials", Source: path}, id); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if _, err := getSpreadsheet(t.Context(), client, f.URL(), "s"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Bearer user-access-1"}, f.apiAuthSeen()); diff != "" {
		t.Errorf("API Authorization headers (-want +got):\n%s", diff)
	}
}

func TestNewHTTPClientUnauthenticatedEndpoint(t *testing.T) {
	f := newFakeGoogle(t)
	client, id, err := NewHTTPClient(t.Context(), AuthConfig{
		Endpoint:    f.URL(),
		TokenFile:   filepath.Join(t.TempDir(), "no-login.json"),
		Getenv:      noEnv,
		Logger:      slogToTest(t, nil),
		findDefault: noADC(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Identity{Kind: "none"}, id); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if _, err := getSpreadsheet(t.Context(), client, f.URL(), "s"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{""}, f.apiAuthSeen()); diff != "" {
		t.Errorf("API Authorization headers (-want +got):\n%s", diff)
	}
	if got := f.grantsSeen(); len(got) != 0 {
		t.Errorf("token endpoint called: %v", got)
	}
}

// TestNewHTTPClientOrder checks which credentials win when several exist.
func TestNewHTTPClientOrder(t *testing.T) {
	f := newFakeGoogle(t)
	keyFile := writeJSON(t, "key.json", serviceAccountJSON(t, f.URL()+"/token"))
	login := writeJSON(t, "token.json", savedLogin{
		Type: authorizedUser, ClientID: fakeClientID, ClientSecret: fakeClientSecret,
		TokenURL: f.URL() + "/token", RefreshToken: fakeRefreshToken,
	})
	missing := filepath.Join(t.TempDir(), "missing.json")
	adcJSON, _ := json.Marshal(serviceAccountJSON(t, f.URL()+"/token"))
	adc := func(context.Context, ...string) (*google.Credentials, error) {
		return &google.Credentials{TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "adc"}), JSON: adcJSON}, nil
	}
	for _, tc := range []struct {
		name string
		cfg  AuthConfig
		env  map[string]string
		want Identity
	}{
		{"flag beats env and login", AuthConfig{CredentialsFile: keyFile, TokenFile: login},
			map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": missing},
			Identity{Kind: "service account", Email: fakeServiceEmail, Source: keyFile}},
		{"env beats login", AuthConfig{TokenFile: login},
			map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": keyFile},
			Identity{Kind: "service account", Email: fakeServiceEmail, Source: keyFile}},
		{"login beats endpoint", AuthConfig{TokenFile: login, Endpoint: f.URL()}, nil,
			Identity{Kind: "saved login", Source: login}},
		{"endpoint beats ADC", AuthConfig{TokenFile: missing, Endpoint: f.URL(), findDefault: noADC(t)}, nil,
			Identity{Kind: "none"}},
		{"ADC last", AuthConfig{TokenFile: missing, findDefault: adc}, nil,
			Identity{Kind: "application default credentials", Email: fakeServiceEmail}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Getenv = func(k string) string { return tc.env[k] }
			cfg.Logger = slogToTest(t, nil)
			if cfg.findDefault == nil {
				cfg.findDefault = adc
			}
			_, id, err := NewHTTPClient(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, id); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewHTTPClientErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-key.json")
	oauthClient := writeJSON(t, "client.json", map[string]any{"installed": map[string]any{"client_id": fakeClientID}})
	external := writeJSON(t, "ext.json", map[string]string{"type": "external_account"})
	badLogin := writeJSON(t, "token.json", map[string]string{"hello": "world"})
	noADCFound := func(context.Context, ...string) (*google.Credentials, error) {
		return nil, errors.New("google: could not find default credentials")
	}
	for _, tc := range []struct {
		name string
		cfg  AuthConfig
		env  map[string]string
		want []string // substrings of the error
	}{
		{"missing flag file", AuthConfig{CredentialsFile: missing}, nil, []string{missing, "no such file"}},
		{"missing env file", AuthConfig{}, map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": missing},
			[]string{missing, "GOOGLE_APPLICATION_CREDENTIALS"}},
		{"OAuth client given as key", AuthConfig{CredentialsFile: oauthClient}, nil, []string{oauthClient, "mrrbot auth login"}},
		{"unsupported type", AuthConfig{CredentialsFile: external}, nil, []string{external, `"external_account"`, "service_account"}},
		{"corrupt saved login", AuthConfig{TokenFile: badLogin}, nil, []string{badLogin, "mrrbot auth login"}},
		{"nothing at all", AuthConfig{TokenFile: missing}, nil,
			[]string{"set GOOGLE_APPLICATION_CREDENTIALS to the path of a service account key", "run `mrrbot auth login`"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Getenv = func(k string) string { return tc.env[k] }
			cfg.findDefault = noADCFound
			if cfg.TokenFile == "" {
				cfg.TokenFile = missing
			}
			client, _, err := NewHTTPClient(t.Context(), cfg)
			if err == nil {
				t.Fatalf("NewHTTPClient = %v, nil; want an error", client)
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestAuthNeverLeaksSecrets drives the failure paths and checks that no
// error and no log line carries the private key, a token or the client
// secret.
func TestAuthNeverLeaksSecrets(t *testing.T) {
	f := newFakeGoogle(t)
	var logs bytes.Buffer
	logger := slogToTest(t, &logs)
	var errs []error
	keyPEM := fakeKeyPEM(t)

	newClient := func(cfg AuthConfig) *http.Client {
		cfg.Getenv, cfg.Logger, cfg.findDefault = noEnv, logger, noADC(t)
		if cfg.TokenFile == "" {
			cfg.TokenFile = filepath.Join(t.TempDir(), "none.json")
		}
		c, _, err := NewHTTPClient(t.Context(), cfg)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if r, ok := c.Transport.(*Retry); ok {
			r.BaseDelay, r.MaxDelay = time.Millisecond, 5*time.Millisecond
		}
		return c
	}
	call := func(c *http.Client) {
		if c == nil {
			return
		}
		if _, err := getSpreadsheet(t.Context(), c, f.URL(), "s"); err != nil {
			errs = append(errs, err)
		}
	}
	sa := serviceAccountJSON(t, f.URL()+"/token")

	// A key file cut off in the middle of the key.
	data, _ := json.Marshal(sa)
	cut := filepath.Join(t.TempDir(), "cut.json")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	newClient(AuthConfig{CredentialsFile: cut})

	// A key of an unsupported type, and a key that is not a key.
	odd := serviceAccountJSON(t, f.URL()+"/token")
	odd["type"] = "impersonated_service_account"
	newClient(AuthConfig{CredentialsFile: writeJSON(t, "odd.json", odd)})
	mangled := serviceAccountJSON(t, f.URL()+"/token")
	mangled["private_key"] = strings.Replace(keyPEM, "\n", "\nAAAA", 3)
	call(newClient(AuthConfig{CredentialsFile: writeJSON(t, "mangled.json", mangled)}))

	// The token endpoint refuses, then is down.
	for _, status := range []int{http.StatusBadRequest, http.StatusServiceUnavailable} {
		f.mu.Lock()
		f.tokenStatus = status
		f.mu.Unlock()
		call(newClient(AuthConfig{CredentialsFile: writeJSON(t, "key.json", sa)}))
		login := writeJSON(t, "token.json", savedLogin{
			Type: authorizedUser, ClientID: fakeClientID, ClientSecret: fakeClientSecret,
			TokenURL: f.URL() + "/token", RefreshToken: fakeRefreshToken,
		})
		call(newClient(AuthConfig{TokenFile: login}))
	}

	// A saved login that refreshes fine, with debug logging on.
	f.mu.Lock()
	f.tokenStatus = 0
	f.mu.Unlock()
	login := writeJSON(t, "token.json", savedLogin{
		Type: authorizedUser, ClientID: fakeClientID, ClientSecret: fakeClientSecret,
		TokenURL: f.URL() + "/token", RefreshToken: fakeRefreshToken,
	})
	if err := os.Chmod(login, 0o644); err != nil { // and a warning about its mode
		t.Fatal(err)
	}
	call(newClient(AuthConfig{TokenFile: login}))

	if len(errs) != 7 {
		t.Errorf("got %d errors, want 7: the failure paths did not all run", len(errs))
	}
	if !strings.Contains(logs.String(), "retrying sheets request") || !strings.Contains(logs.String(), "readable by other users") {
		t.Errorf("the logging paths did not run:\n%s", logs.String())
	}
	out := logs.String()
	for _, err := range errs {
		out += "\n" + err.Error()
	}
	secrets := []string{fakeClientSecret, fakeRefreshToken, fakeSAAccessToken, fakeUserAccess}
	// Any line of the key's base64 body would do; take a few.
	for _, line := range strings.Split(keyPEM, "\n")[1:4] {
		secrets = append(secrets, line)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("output contains secret %q:\n%s", s, out)
		}
	}
}

func TestDefaultTokenFile(t *testing.T) {
	path, err := DefaultTokenFile()
	if err != nil {
		t.Skipf("no user config dir here: %v", err)
	}
	if !strings.HasSuffix(path, filepath.Join("mrrbot", "token.json")) {
		t.Errorf("DefaultTokenFile() = %q, want …/mrrbot/token.json", path)
	}
}

// TestSavedLoginOfEarlierVersions reads a login saved in mrrbot's old
// format of its own, and rewrites it as Google's authorized_user file,
// which every Google client reads.
func TestSavedLoginOfEarlierVersions(t *testing.T) {
	f := newFakeGoogle(t)
	path := writeJSON(t, "token.json", map[string]any{
		"type": "mrrbot_saved_login", "client_id": fakeClientID, "client_secret": fakeClientSecret,
		"auth_uri": f.URL() + "/auth", "token_uri": f.URL() + "/token", "scopes": []string{spreadsheetsScope},
		"token": map[string]any{"access_token": fakeUserAccess + "0", "refresh_token": fakeRefreshToken, "expiry": "2026-01-01T00:00:00Z"},
	})
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	client, id, err := NewHTTPClient(t.Context(), AuthConfig{TokenFile: path, Getenv: noEnv, Logger: slogToTest(t, nil), findDefault: noADC(t)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Identity{Kind: "saved login", Source: path}, id); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if _, err := getSpreadsheet(t.Context(), client, f.URL(), "s"); err != nil {
		t.Fatal(err)
	}
	want := savedLogin{Type: "authorized_user", ClientID: fakeClientID, ClientSecret: fakeClientSecret,
		RefreshToken: fakeRefreshToken, TokenURL: f.URL() + "/token"}
	if diff := cmp.Diff(want, readSavedLogin(t, path)); diff != "" {
		t.Errorf("the login as rewritten (-want +got):\n%s", diff)
	}
	checkMode(t, path, 0o600)
}
