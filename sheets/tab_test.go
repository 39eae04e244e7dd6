package sheets

import (
	"strings"
	"testing"
)

func TestNumberLiteral(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"1250.00", "1250.00", true},
		{"0.1", "0.1", true},
		{"-83.333333333", "-83.333333333", true},
		{"4.5E-3", "4.5E-3", true},
		{"+5", "5", true},
		{".5", "0.5", true},
		{"5.", "5", true},
		{"1e999", "", false},
		{"1,5", "", false},
		{"NaN", "", false},
		{"Inf", "", false},
		{"0x10", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, err := NumberLiteral(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("NumberLiteral(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestTabConflictErrorMessage(t *testing.T) {
	flags := map[string]string{
		RoleSummary: "--summary-tab", RoleMovements: "--movements-tab", RoleIssues: "--issues-tab",
		RoleCohorts: "--cohorts-tab", RoleSegments: "--segments-tab",
	}
	for role, flag := range flags {
		e := &TabConflictError{Tab: "X", Role: role}
		if !strings.HasSuffix(e.Error(), "with "+flag) {
			t.Errorf("%s: %q does not name %s", role, e.Error(), flag)
		}
	}
	e := &TabConflictError{Tab: "X", Role: "forecast"}
	if want := `tab "X" exists and was not written by mrrbot; rename it, or pick another name for mrrbot's tab`; e.Error() != want {
		t.Errorf("unknown role: %q, want %q", e.Error(), want)
	}
}
