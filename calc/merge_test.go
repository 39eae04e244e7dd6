package calc_test

import (
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
)

func TestFreeze(t *testing.T) {
	m := func(mon time.Month) calc.Month { return calc.MonthOf(2025, mon) }
	f := func(n int64) calc.Fixed { return calc.Fixed(n) * calc.One }
	old, err := calc.NewHistory(m(time.June), []calc.HistoryEntry{
		{Customer: "A", Month: m(time.January), MRR: f(100)},
		{Customer: "A", Month: m(time.April), MRR: f(150)},
		{Customer: "B", Month: m(time.March), MRR: f(50)},
		{Customer: "B", Month: m(time.May), MRR: 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	live, err := calc.NewHistory(m(time.September), []calc.HistoryEntry{
		{Customer: "A", Month: m(time.January), MRR: f(90)}, // restated
		{Customer: "A", Month: m(time.August), MRR: f(200)},
		{Customer: "B", Month: m(time.March), MRR: f(50)},
		{Customer: "B", Month: m(time.May), MRR: 0},
		{Customer: "C", Month: m(time.February), MRR: f(30)}, // back-dated
	})
	if err != nil {
		t.Fatal(err)
	}
	got := calc.Freeze(old, m(time.May), live)
	if got.Through != m(time.September) {
		t.Errorf("Through = %s, want 2025-09", got.Through)
	}
	for _, tt := range []struct {
		customer string
		month    time.Month
		want     int64
	}{
		{"A", time.January, 100}, {"A", time.May, 150}, // frozen
		{"A", time.June, 90}, {"A", time.August, 200}, // live after the close
		{"B", time.April, 50}, {"B", time.September, 0},
		{"C", time.March, 0}, {"C", time.May, 0}, {"C", time.June, 30}, // frozen without C, then live
	} {
		if v := got.At(tt.customer, m(tt.month)); v != f(tt.want) {
			t.Errorf("%s in %s = %s, want %d", tt.customer, m(tt.month), v, tt.want)
		}
	}
	if up := got.Upto(m(time.May)); up.Through != m(time.May) || up.At("A", m(time.May)) != f(150) {
		t.Errorf("Upto(May) = %+v", up)
	}
}
