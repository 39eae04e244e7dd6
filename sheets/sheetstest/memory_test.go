package sheetstest_test

import (
	"testing"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

func TestMemoryContract(t *testing.T) {
	sheetstest.RunContract(t, func(t *testing.T, seed []sheetstest.Seed) sheetstest.Store {
		m := sheetstest.NewMemory("Ops", "en_US")
		for _, s := range seed {
			m.SetTab(s.Title, s.Rows)
		}
		return m
	})
}
