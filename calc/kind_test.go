package calc_test

import (
	"testing"

	"github.com/mrrbot/mrrbot/calc"
)

// TestKindString names each movement as reports show it, and a kind that
// is none of them as what it is, never as one of them.
func TestKindString(t *testing.T) {
	for k, want := range map[calc.Kind]string{
		calc.New: "New", calc.Expansion: "Expansion", calc.Reactivation: "Reactivation",
		calc.Contraction: "Contraction", calc.Churn: "Churn", calc.FXImpact: "FX impact",
		calc.FXImpact + 1: "Kind(6)", 200: "Kind(200)",
	} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}
