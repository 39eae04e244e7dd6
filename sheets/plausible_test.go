package sheets

import (
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
)

func TestPlausibleDate(t *testing.T) {
	today := calc.DateOf(2026, 3, 15)
	for _, c := range []struct {
		d, today calc.Date
		want     string
	}{
		{calc.DateOf(1, 1, 1), today, `"0001-01-01" is not a plausible date (before 1970)`},
		{calc.DateOf(1969, 12, 31), today, `"1969-12-31" is not a plausible date (before 1970)`},
		{calc.DateOf(1970, 1, 1), today, ""},
		{calc.DateOf(2076, 3, 15), today, ""},
		{calc.DateOf(2076, 3, 16), today, `"2076-03-16" is not a plausible date (more than 50 years from today, 2026-03-15)`},
		{calc.DateOf(9999, 12, 31), today, `"9999-12-31" is not a plausible date (more than 50 years from today, 2026-03-15)`},
		{calc.DateOf(9999, 12, 31), 0, ""},
		{calc.DateOf(1900, 1, 1), 0, `"1900-01-01" is not a plausible date (before 1970)`},
	} {
		if got := PlausibleDate(c.d, c.today); got != c.want {
			t.Errorf("PlausibleDate(%s, %s) = %q, want %q", c.d, c.today, got, c.want)
		}
	}
}

// TestDecodeImplausibleDates reads start and end dates as text and as
// date cells: those outside the plausible years are row problems naming
// the cell, and the other rows are read.
func TestDecodeImplausibleDates(t *testing.T) {
	csv := "customer_id,amount,start_date,end_date\n" +
		"a,100,0001-01-01,\n" +
		"b,100,2025-01-10,9999-12-31\n" +
		"c,100,2025-01-10,2025-12-31\n"
	l, err := ReadCSV(strings.NewReader(csv), nil, Options{Today: calc.DateOf(2026, 3, 15)})
	if err != nil {
		t.Fatal(err)
	}
	want := []calc.Issue{
		{Row: 2, Column: "start_date", Header: "start_date", Value: "0001-01-01", Message: `"0001-01-01" is not a plausible date (before 1970)`},
		{Row: 3, Column: "end_date", Header: "end_date", Value: "9999-12-31", Message: `"9999-12-31" is not a plausible date (more than 50 years from today, 2026-03-15)`},
	}
	if len(l.Errors) != len(want) {
		t.Fatalf("errors = %+v, want %+v", l.Errors, want)
	}
	for i := range want {
		if l.Errors[i] != want[i] {
			t.Errorf("error %d = %+v, want %+v", i, l.Errors[i], want[i])
		}
	}
	// A date cell: serial day -693593 is 0001-01-01.
	rec := newRecorder(t, "USD", nil)
	rows := [][]Cell{
		texts("customer_id", "amount", "start_date"),
		{T("a"), N("100", FormatNone), N("-693593", FormatDate)},
	}
	rep, err := decode(&table{rows: rows}, rec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Message != `"0001-01-01" is not a plausible date (before 1970)` {
		t.Errorf("date cell: %+v", rep.Errors)
	}
}
