package notify_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// TestScopes reads the token's scopes from the X-OAuth-Scopes header of
// auth.test's reply, and says when the reply did not list them.
func TestScopes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []slacktest.Option
		want  []string
		known bool
	}{
		{"the manifest's", nil, slacktest.Scopes, true},
		{"some", []slacktest.Option{slacktest.WithScopes("chat:write", "commands")}, []string{"chat:write", "commands"}, true},
		{"none granted", []slacktest.Option{slacktest.WithScopes()}, nil, true},
		{"not listed", []slacktest.Option{slacktest.WithoutScopesHeader()}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := slacktest.New(t, tc.opts...)
			s := notify.NewSlack(notify.SlackConfig{Token: srv.Token(), APIURL: srv.URL()})
			if _, known := s.Scopes(); known {
				t.Error("scopes known before auth.test")
			}
			if _, _, err := s.AuthTest(context.Background()); err != nil {
				t.Fatal(err)
			}
			got, known := s.Scopes()
			if known != tc.known {
				t.Errorf("known = %v, want %v", known, tc.known)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("scopes (-want +got):\n%s", diff)
			}
		})
	}
}
