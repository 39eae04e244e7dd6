package calc_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
)

// TestDateRoundTrip checks every day from 1900 through 2100 against
// time.Date: construction, fields, month, formatting and parsing.
func TestDateRoundTrip(t *testing.T) {
	start := time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2100, time.December, 31, 0, 0, 0, 0, time.UTC)
	prev := calc.Date(0)
	n := 0
	for tm := start; !tm.After(end); tm = tm.AddDate(0, 0, 1) {
		y, m, d := tm.Date()
		want := calc.Date(tm.Unix() / 86400)
		got, ok := calc.NewDate(y, m, d)
		if !ok || got != want {
			t.Fatalf("NewDate(%d, %d, %d) = %d, %v; want %d", y, m, d, got, ok, want)
		}
		if n > 0 && got != prev+1 {
			t.Fatalf("NewDate(%s) = %d, not the day after %d", tm.Format(time.DateOnly), got, prev)
		}
		if o := calc.DateOf(y, m, d); o != want {
			t.Fatalf("DateOf(%d, %d, %d) = %d, want %d", y, m, d, o, want)
		}
		if gy, gm, gd := got.Date(); gy != y || gm != m || gd != d {
			t.Fatalf("Date(%d).Date() = %d-%d-%d, want %d-%d-%d", got, gy, gm, gd, y, m, d)
		}
		if s := got.String(); s != tm.Format(time.DateOnly) {
			t.Fatalf("Date(%d).String() = %q, want %q", got, s, tm.Format(time.DateOnly))
		}
		if p, err := calc.ParseDate(tm.Format(time.DateOnly)); err != nil || p != want {
			t.Fatalf("ParseDate(%q) = %d, %v; want %d", tm.Format(time.DateOnly), p, err, want)
		}
		if !got.Time().Equal(tm) {
			t.Fatalf("Date(%d).Time() = %v, want %v", got, got.Time(), tm)
		}
		if mo := got.Month(); mo != calc.MonthOf(y, m) || mo.Year() != y || mo.Mon() != m {
			t.Fatalf("Date(%s).Month() = %s, want %04d-%02d", got, mo, y, m)
		}
		// In another zone, the calendar day of the local time counts.
		local := time.Date(y, m, d, 23, 30, 0, 0, time.FixedZone("UTC-10", -10*3600))
		if got2 := calc.DateFromTime(local); got2 != want {
			t.Fatalf("DateFromTime(%v) = %s, want %s", local, got2, got)
		}
		prev = got
		n++
	}
	if n != 73414 {
		t.Errorf("walked %d days, want 73414", n)
	}
}

func TestMonth(t *testing.T) {
	for y := 1900; y <= 2100; y++ {
		for m := time.January; m <= time.December; m++ {
			mo := calc.MonthOf(y, m)
			if mo.Year() != y || mo.Mon() != m {
				t.Fatalf("MonthOf(%d, %d) = %d-%d", y, m, mo.Year(), mo.Mon())
			}
			first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			last := first.AddDate(0, 1, -1)
			if got := mo.FirstDay(); !got.Time().Equal(first) {
				t.Fatalf("%s.FirstDay() = %s, want %s", mo, got, first.Format(time.DateOnly))
			}
			if got := mo.LastDay(); !got.Time().Equal(last) {
				t.Fatalf("%s.LastDay() = %s, want %s", mo, got, last.Format(time.DateOnly))
			}
			if next := mo + 1; next.FirstDay() != mo.LastDay()+1 {
				t.Fatalf("%s + 1 = %s does not start the day after %s ends", mo, next, mo)
			}
			s := first.Format("2006-01")
			if mo.String() != s {
				t.Fatalf("String() = %q, want %q", mo.String(), s)
			}
			if p, err := calc.ParseMonth(s); err != nil || p != mo {
				t.Fatalf("ParseMonth(%q) = %s, %v", s, p, err)
			}
		}
	}
	for _, s := range []string{"2025-00", "2025-13", "2025-1", "202501", "2025/01", "", "abcd-ef", "0000-01"} {
		if _, err := calc.ParseMonth(s); err == nil {
			t.Errorf("ParseMonth(%q) succeeded, want an error", s)
		}
	}
}

func TestValidDate(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want bool
	}{
		{2025, time.January, 31, true},
		{2025, time.February, 28, true},
		{2025, time.February, 29, false},
		{2024, time.February, 29, true},
		{2000, time.February, 29, true}, // divisible by 400
		{1900, time.February, 29, false},
		{2100, time.February, 29, false},
		{2400, time.February, 29, true},
		{2025, time.April, 30, true},
		{2025, time.April, 31, false},
		{2025, time.June, 31, false},
		{2025, time.September, 31, false},
		{2025, time.November, 31, false},
		{2025, time.December, 31, true},
		{2025, time.December, 32, false},
		{2025, 0, 1, false},
		{2025, 13, 1, false},
		{2025, time.January, 0, false},
		{2025, time.January, -1, false},
	}
	for _, tt := range tests {
		if got := calc.ValidDate(tt.y, tt.m, tt.d); got != tt.want {
			t.Errorf("ValidDate(%d, %d, %d) = %v, want %v", tt.y, tt.m, tt.d, got, tt.want)
		}
		if _, ok := calc.NewDate(tt.y, tt.m, tt.d); ok != tt.want {
			t.Errorf("NewDate(%d, %d, %d) ok = %v, want %v", tt.y, tt.m, tt.d, ok, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	good := map[string]time.Time{
		"2025-01-10": time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC),
		"2024-02-29": time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		"1970-01-01": time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		"1969-12-31": time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		"1899-12-30": time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC), // the sheets epoch
		"9999-12-31": time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	for s, want := range good {
		d, err := calc.ParseDate(s)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", s, err)
			continue
		}
		if !d.Time().Equal(want) {
			t.Errorf("ParseDate(%q) = %s, want %s", s, d, want.Format(time.DateOnly))
		}
	}
	for _, s := range []string{
		"", "2025-1-10", "2025-01-1", "2025/01/10", "20250110", "2025-13-01", "2025-00-10",
		"2025-01-00", "2025-02-29", "2025-04-31", "1900-02-29", "abcd-ef-gh", "2025-01-10T00:00",
		" 2025-01-10", "2025-01-10 ", "+025-01-10", "-025-01-10", "0000-01-01", "2025-0a-10", "03/04/2025",
	} {
		if d, err := calc.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", s, d)
		}
	}
}

func TestNoEndFormatsBlank(t *testing.T) {
	if s := calc.NoEnd.String(); s != "" {
		t.Errorf("NoEnd.String() = %q, want blank", s)
	}
	if !(calc.NoEnd > calc.DateOf(9999, 12, 31)) {
		t.Errorf("NoEnd is not after every real day")
	}
}

// TestDateText: Date and Month are written YYYY-MM-DD and YYYY-MM, as
// fmt writes them, from before year 1 to after 9999; NoEnd as nothing.
func TestDateText(t *testing.T) {
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	var days []calc.Date
	for d := calc.DateOf(1899, 1, 1); d < calc.DateOf(2101, 1, 1); d++ {
		days = append(days, d)
	}
	for d := calc.DateOf(1, 1, 1) - 400; d < calc.DateOf(10001, 1, 1); d += 101 {
		days = append(days, d)
	}
	for _, d := range days {
		y, m, day := epoch.AddDate(0, 0, int(d-calc.DateOf(1970, 1, 1))).Date()
		if want := fmt.Sprintf("%04d-%02d-%02d", y, int(m), day); d.String() != want || string(d.Append(nil)) != want {
			t.Fatalf("Date(%d) = %s, want %s", int(d), d.String(), want)
		}
		mo := d.Month()
		if want := fmt.Sprintf("%04d-%02d", mo.Year(), int(mo.Mon())); mo.String() != want || string(mo.Append(nil)) != want {
			t.Fatalf("Month(%d) = %s, want %s", int(mo), mo.String(), want)
		}
	}
	if calc.NoEnd.String() != "" || string(calc.NoEnd.Append([]byte("x"))) != "x" {
		t.Errorf("NoEnd is written %q", calc.NoEnd.String())
	}
}
