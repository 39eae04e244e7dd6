package sheets

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeSegments(t *testing.T) {
	const in = `Customer,Plan,Region,Amount,Currency,Start,Status
c1,Pro,EMEA,100,EUR,2025-01-01,active
c2,Basic, ,50,,2025-02-01,trial
c3,Pro,"  APAC ",10,,2025-03-01,
c4,Pro,EMEA,oops,,2025-03-01,
c5,Pro
`
	tests := []struct {
		name     string
		segments []string
		want     [][]string // each added row's Segments
	}{
		{name: "none", want: [][]string{nil, nil, nil}},
		{name: "region", segments: []string{"region"}, want: [][]string{{"EMEA"}, {""}, {"APAC"}}},
		{name: "punctuation and case ignored", segments: []string{" REGION! "}, want: [][]string{{"EMEA"}, {""}, {"APAC"}}},
		{name: "two, in the order asked", segments: []string{"Region", "Plan"}, want: [][]string{{"EMEA", "Pro"}, {"", "Basic"}, {"APAC", "Pro"}}},
		{name: "a known field", segments: []string{"Status"}, want: [][]string{{"active"}, {"trial"}, {""}}},
		{name: "currency as written", segments: []string{"Currency"}, want: [][]string{{"EUR"}, {""}, {""}}},
		{name: "one column twice", segments: []string{"Region", "region"}, want: [][]string{{"EMEA", "EMEA"}, {"", ""}, {"APAC", "APAC"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, "USD", map[string]string{"EUR": "1.1"})
			rep, err := decode(NewCSVReader(strings.NewReader(in)), rec, Options{Segments: tt.segments})
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, s := range rec.subs {
				got = append(got, s.Segments)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Segments (-want +got):\n%s", diff)
			}
			// c4's amount and c5's missing cells are reported as before.
			if len(rep.Errors) != 3 || len(rep.Segments) != len(tt.segments) {
				t.Errorf("Errors, Segments = %v, %v", rep.Errors, rep.Segments)
			}
		})
	}
}

// TestDecodeSegmentCells checks typed cells: a date as YYYY-MM-DD, a number
// as its literal, a missing cell as "".
func TestDecodeSegmentCells(t *testing.T) {
	rows := [][]Cell{
		texts("Customer", "Amount", "Start", "Cohort", "Size", "Partner?"),
		{T("c1"), T("10"), T("2025-01-01"), serialCell("2025-01-01"), N("250", FormatNumber), {Kind: Bool, Text: "TRUE"}},
		{T("c2"), T("10"), T("2025-01-01"), T(" 2025 Q1 "), N("1E+3", FormatNone)},
	}
	rec := newRecorder(t, "USD", nil)
	if _, err := decode(&table{rows: rows}, rec, Options{Segments: []string{"cohort", "size", "partner"}}); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, s := range rec.subs {
		got = append(got, s.Segments)
	}
	want := [][]string{{"2025-01-01", "250", "TRUE"}, {"2025 Q1", "1E+3", ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Segments (-want +got):\n%s", diff)
	}
}

func TestDecodeMissingSegment(t *testing.T) {
	header := [][]Cell{texts("Acme export"), {T("Customer"), T("Plan"), {}, T("Amount"), T("Start date")}}
	tests := []struct {
		name     string
		segments []string
		want     *SegmentError
		msg      string
	}{
		{
			name:     "one",
			segments: []string{"Region"},
			want:     &SegmentError{Row: 2, Missing: []string{"Region"}, Saw: []string{"Customer", "Plan", "Amount", "Start date"}},
			msg:      `segment column "Region" is not in the header (headers: Customer, Plan, Amount, Start date)`,
		},
		{
			name:     "two of three",
			segments: []string{"Region", "plan", "Team"},
			want:     &SegmentError{Row: 2, Missing: []string{"Region", "Team"}, Saw: []string{"Customer", "Plan", "Amount", "Start date"}},
			msg:      `segment columns "Region", "Team" are not in the header (headers: Customer, Plan, Amount, Start date)`,
		},
		{
			name:     "nothing but punctuation",
			segments: []string{"--"},
			want:     &SegmentError{Row: 2, Missing: []string{"--"}, Saw: []string{"Customer", "Plan", "Amount", "Start date"}},
			msg:      `segment column "--" is not in the header (headers: Customer, Plan, Amount, Start date)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(&table{rows: header}, newRecorder(t, "USD", nil), Options{Segments: tt.segments})
			var se *SegmentError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SegmentError", err)
			}
			if diff := cmp.Diff(tt.want, se); diff != "" {
				t.Errorf("SegmentError (-want +got):\n%s", diff)
			}
			if got := err.Error(); got != tt.msg {
				t.Errorf("message:\n got %s\nwant %s", got, tt.msg)
			}
		})
	}
}

// TestDecodeRowAllocs checks that reading a good row allocates nothing,
// with segments or without: a sheet has a million rows.
func TestDecodeRowAllocs(t *testing.T) {
	header := texts("Customer", "Plan", "Region", "Amount", "Currency", "Interval", "Discount", "Start date", "End date", "Status")
	row := texts("c1", "Pro", "EMEA", "$1,200.00", "USD", "annual", "10%", "2025-01-10", "Dec 31, 2025", "active")
	for _, segs := range [][]string{nil, {"Region", "Plan", "Status"}} {
		t.Run(strings.Join(segs, ","), func(t *testing.T) {
			h, err := findHeader(&table{rows: [][]Cell{header}}, subscriptionColumns[:], fieldNames[:], subscriptionRequired)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := h.segmentColumns(segs)
			if err != nil {
				t.Fatal(err)
			}
			d := newDecoder(h, cols, locale{}, discard{})
			d.row, d.cells = 2, row
			if n := testing.AllocsPerRun(100, d.decodeRow); n != 0 {
				t.Errorf("decodeRow: %v allocations, want 0", n)
			}
			if len(d.issues) != 0 || len(d.sub.Segments) != len(segs) {
				t.Errorf("issues, Segments = %v, %q", d.issues, d.sub.Segments)
			}
		})
	}
}
