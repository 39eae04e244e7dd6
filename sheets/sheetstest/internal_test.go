package sheetstest

import (
	"math"
	"reflect"
	"testing"
	"time"

	sheets "google.golang.org/api/sheets/v4"
)

func TestParseA1(t *testing.T) {
	const u = unbounded
	tests := []struct {
		in             string
		sheet          string
		nameOnly       bool
		r0, c0, r1, c1 int64
	}{
		{"Sheet1!A1:B2", "Sheet1", false, 0, 0, 2, 2},
		{"'My Tab'!A:A", "My Tab", false, 0, 0, u, 1},
		{"'Bob''s Tab'!B5:B", "Bob's Tab", false, 4, 1, u, 2},
		{"'FX'!A:B", "FX", false, 0, 0, u, 2},
		{"FX!1:3", "FX", false, 0, 0, 3, u},
		{"'Subscriptions'", "Subscriptions", false, 0, 0, u, u},
		{"Subscriptions", "Subscriptions", true, 0, 0, u, u},
		{"A1:D5", "A1:D5", true, 0, 0, 5, 4},
		{"Sheet1!B2:A1", "Sheet1", false, 0, 0, 2, 2},
		{"Sheet1!AA10", "Sheet1", false, 9, 26, 10, 27},
		{"a!b!C3", "a!b", false, 2, 2, 3, 3},
	}
	for _, tt := range tests {
		got, err := parseA1(tt.in)
		if err != nil {
			t.Errorf("parseA1(%q): %v", tt.in, err)
			continue
		}
		if got.sheet != tt.sheet || got.nameOnly != tt.nameOnly || got.r0 != tt.r0 || got.c0 != tt.c0 || got.r1 != tt.r1 || got.c1 != tt.c1 {
			t.Errorf("parseA1(%q) = %q nameOnly=%v [%d,%d)-[%d,%d), want %q %v [%d,%d)-[%d,%d)", tt.in,
				got.sheet, got.nameOnly, got.r0, got.c0, got.r1, got.c1, tt.sheet, tt.nameOnly, tt.r0, tt.c0, tt.r1, tt.c1)
		}
	}
	for _, bad := range []string{"", "'unterminated", "Sheet1!", "Sheet1!A0", "Sheet1!A:3", "'Tab'x"} {
		if _, err := parseA1(bad); err == nil {
			t.Errorf("parseA1(%q) succeeded", bad)
		}
	}
}

func TestQuoteTitle(t *testing.T) {
	for in, want := range map[string]string{
		"Sheet1":        "Sheet1",
		"FX":            "FX",
		"My Tab":        "'My Tab'",
		"Bob's":         "'Bob''s'",
		"A1":            "'A1'",
		"2025":          "'2025'",
		"MRR_Summary":   "MRR_Summary",
		"Données-2026":  "'Données-2026'",
		"Subscriptions": "Subscriptions",
	} {
		if got := quoteTitle(in); got != want {
			t.Errorf("quoteTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFieldMask(t *testing.T) {
	m, err := parseMask("sheets(properties,charts,data.rowData.values(effectiveValue,effectiveFormat.numberFormat)),developer_metadata,properties/title")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range [][]string{
		{"sheets", "properties", "sheetId"},
		{"sheets", "data", "rowData", "values", "effectiveFormat", "numberFormat", "type"},
		{"developerMetadata"},
		{"properties", "title"},
	} {
		if !m.selects(path...) {
			t.Errorf("mask does not select %v", path)
		}
	}
	for _, path := range [][]string{
		{"sheets", "data", "rowMetadata"},
		{"sheets", "data", "rowData", "values", "formattedValue"},
		{"properties", "locale"},
		{"spreadsheetId"},
	} {
		if m.selects(path...) {
			t.Errorf("mask selects %v", path)
		}
	}
	if err := m.validate(reflect.TypeFor[sheets.Spreadsheet]()); err != nil {
		t.Errorf("valid mask refused: %v", err)
	}
	bad, _ := parseMask("sheets.properties.titel")
	if err := bad.validate(reflect.TypeFor[sheets.Spreadsheet]()); err == nil {
		t.Error("a mask naming no field was accepted")
	}
	for _, s := range []string{"sheets(", "a,,b", "a)", "(a)"} {
		if _, err := parseMask(s); err == nil {
			t.Errorf("parseMask(%q) succeeded", s)
		}
	}
	star, _ := parseMask("sheets.*")
	if !star.selects("sheets", "data", "rowData") {
		t.Error("sheets.* does not select everything below sheets")
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v       float64
		typ     string
		pattern string
		want    string
	}{
		{1200, "", "", "1200"},
		{99.5, "", "", "99.5"},
		{1.0 / 3, "", "", "0.3333333333"},
		{0.1 + 0.2, "", "", "0.3"},
		{1234.5, "NUMBER", "#,##0.00", "1,234.50"},
		{1234.5, "NUMBER", "", "1,234.50"},
		{1234567.891, "NUMBER", "#,##0", "1,234,568"},
		{0.5, "NUMBER", "#.##", ".5"},
		{7, "NUMBER", "000", "007"},
		{0.2, "PERCENT", "0%", "20%"},
		{0.2, "PERCENT", "0.00%", "20.00%"},
		{0.12345, "PERCENT", "0.0%", "12.3%"},
		{1200.5, "CURRENCY", `"$"#,##0.00`, "$1,200.50"},
		{-1200.5, "CURRENCY", `"$"#,##0.00`, "-$1,200.50"},
		{-1200.5, "CURRENCY", `"$"#,##0.00;("$"#,##0.00)`, "($1,200.50)"},
		{1200.5, "CURRENCY", `[$€-407]#,##0.00`, "€1,200.50"},
		{1200.5, "CURRENCY", `#,##0.00\ "EUR"`, "1,200.50 EUR"},
		{-0.001, "NUMBER", "0.00", "0.00"},
		{12345, "SCIENTIFIC", "0.00E+00", "1.23E+04"},
		{45667, "DATE", "yyyy-mm-dd", "2025-01-10"},
		{45667, "DATE", "", "1/10/2025"},
		{46082, "DATE", "mmm yyyy", "Mar 2026"},
		{46082, "DATE", "mmmm d, yyyy", "March 1, 2026"},
		{46082, "DATE", "dddd dd/mm/yy", "Sunday 01/03/26"},
		{45667.5 + 5.0/1440, "DATE_TIME", "yyyy-mm-dd hh:mm", "2025-01-10 12:05"},
		{45667.75, "TIME", "h:mm am/pm", "6:00 PM"},
		{45667.25, "TIME", "", "6:00:00 AM"},
	}
	for _, tt := range tests {
		nf := &sheets.NumberFormat{Type: tt.typ, Pattern: tt.pattern}
		if got := formatNumber(tt.v, nf); got != tt.want {
			t.Errorf("formatNumber(%v, %s %q) = %q, want %q", tt.v, tt.typ, tt.pattern, got, tt.want)
		}
	}
}

func TestSerial(t *testing.T) {
	if got := SerialDate(2025, time.January, 10); got != 45667 {
		t.Errorf("SerialDate(2025-01-10) = %v, want 45667", got)
	}
	if got := SerialDate(1900, time.January, 1); got != 2 {
		t.Errorf("SerialDate(1900-01-01) = %v, want 2", got)
	}
	at := time.Date(2026, time.April, 30, 15, 0, 0, 0, time.UTC)
	if got := TimeOf(Serial(at)); !got.Equal(at) {
		t.Errorf("TimeOf(Serial(%v)) = %v", at, got)
	}
}

func TestParseInput(t *testing.T) {
	tests := []struct {
		in      any
		locale  string
		number  float64
		str     string
		typ     string
		pattern string
	}{
		{"1200", "", 1200, "", "", ""},
		{"-3.5", "", -3.5, "", "", ""},
		{"1,200.50", "", 1200.5, "", "NUMBER", "#,##0.00"},
		{"20%", "", 0.2, "", "PERCENT", "0%"},
		{"12.5%", "", 0.125, "", "PERCENT", "0.00%"},
		{"$1,200.00", "", 1200, "", "CURRENCY", `"$"#,##0.00`},
		{"-$5", "", -5, "", "CURRENCY", `"$"#,##0`},
		{"2025-01-10", "", 45667, "", "DATE", "yyyy-mm-dd"},
		{"03/04/2025", "en_US", SerialDate(2025, time.March, 4), "", "DATE", "M/d/yyyy"},
		{"03/04/2025", "de_DE", SerialDate(2025, time.April, 3), "", "DATE", "d/M/yyyy"},
		{"2025-02-30", "", 0, "2025-02-30", "", ""},
		{"Infinity", "", 0, "Infinity", "", ""},
		{"'20%", "", 0, "20%", "", ""},
		{"acme", "", 0, "acme", "", ""},
		{42.0, "", 42, "", "", ""},
	}
	for _, tt := range tests {
		p, err := parseInput(tt.in, true, tt.locale)
		if err != nil {
			t.Errorf("parseInput(%v): %v", tt.in, err)
			continue
		}
		v := p.value
		switch {
		case tt.str != "":
			if v.StringValue == nil || *v.StringValue != tt.str {
				t.Errorf("parseInput(%v) = %+v, want string %q", tt.in, v, tt.str)
			}
		case v.NumberValue == nil || math.Abs(*v.NumberValue-tt.number) > 1e-9:
			t.Errorf("parseInput(%v) = %+v, want number %v", tt.in, v, tt.number)
		}
		typ, pattern := "", ""
		if p.format != nil {
			typ, pattern = p.format.Type, p.format.Pattern
		}
		if typ != tt.typ || pattern != tt.pattern {
			t.Errorf("parseInput(%v) format = %s %q, want %s %q", tt.in, typ, pattern, tt.typ, tt.pattern)
		}
	}
	if p, _ := parseInput("20%", false, ""); p.value.StringValue == nil || p.format != nil {
		t.Errorf("RAW 20%% = %+v", p)
	}
	if p, _ := parseInput("", true, ""); p.value != nil || p.skip {
		t.Errorf(`"" = %+v, want a cleared value`, p)
	}
	if p, _ := parseInput(nil, true, ""); !p.skip {
		t.Errorf("null = %+v, want skip", p)
	}
}
