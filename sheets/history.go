package sheets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/mrrbot/mrrbot/calc"
)

// RoleHistory is the role of the hidden tab that keeps the books: the
// month-end MRR of every customer in the closed months, and a fingerprint
// of every paying row, as the last sync computed them.
const RoleHistory = "history"

// HistoryTabName is the title of the history tab.
const HistoryTabName = "_mrrbot_history"

// The history tab is three text columns, one record a row, so that a large
// history stays a small grid and every amount is kept exactly as text:
//
//	Kind     Customer  Value
//	through            2026-02
//	closed             2025-12
//	mrr      C001      2025-04 100.000000000
//	row      C001      [12,"Pro","2025-04-01","2025-09-30","100","a1b2…"]
var historyColumns = []TabColumn{{Title: "Kind", Width: 70}, {Title: "Customer", Width: 160}, {Title: "Value", Width: 420}}

// HistoryTab returns the hidden, protected tab that records the books b.
func HistoryTab(b calc.Books) Tab {
	t := Tab{Name: HistoryTabName, Role: RoleHistory, Columns: historyColumns, FrozenRows: 1, Hidden: true, Protected: true}
	t.Rows = make([][]Cell, 0, 2+len(b.History.Entries)+len(b.Prints))
	t.Rows = append(t.Rows, []Cell{TextCell("through"), {}, TextCell(b.History.Through.String())})
	if b.Closed != 0 {
		t.Rows = append(t.Rows, []Cell{TextCell("closed"), {}, TextCell(b.Closed.String())})
	}
	for _, e := range b.History.Entries {
		t.Rows = append(t.Rows, []Cell{TextCell("mrr"), TextCell(e.Customer), TextCell(e.Month.String() + " " + e.MRR.String())})
	}
	for _, p := range b.Prints {
		end := ""
		if p.End != calc.NoEnd {
			end = p.End.String()
		}
		fields := []any{p.Row, p.Plan, p.Start.String(), end, p.MRR.String(), strconv.FormatUint(p.Hash, 16)}
		if p.Currency != "" {
			fields = append(fields, p.Currency) // a row with monthly rates
		}
		v, _ := json.Marshal(fields)
		t.Rows = append(t.Rows, []Cell{TextCell("row"), TextCell(p.Customer), TextCell(string(v))})
	}
	return t
}

// DecodeHistory reads a history tab written by HistoryTab.
func DecodeHistory(r RowReader) (*calc.Books, error) {
	var b calc.Books
	var through calc.Month
	var entries []calc.HistoryEntry
	header := true
	for {
		n, cells, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if header {
			header = false
			continue
		}
		get := func(i int) string {
			if i < len(cells) {
				return cells[i].text()
			}
			return ""
		}
		kind, customer, value := get(0), get(1), get(2)
		bad := func(why string) error {
			return fmt.Errorf("history tab, row %d: %s (the tab is mrrbot's; if it was edited, delete it and sync again)", n, why)
		}
		switch kind {
		case "":
			continue
		case "through", "closed":
			m, err := calc.ParseMonth(value)
			if err != nil {
				return nil, bad(err.Error())
			}
			if kind == "through" {
				through = m
			} else {
				b.Closed = m
			}
		case "mrr":
			ms, amount, ok := cut(value)
			m, err1 := calc.ParseMonth(ms)
			v, err2 := calc.ParseFixed(amount)
			if !ok || err1 != nil || err2 != nil {
				return nil, bad(fmt.Sprintf("%q is not MONTH AMOUNT", value))
			}
			entries = append(entries, calc.HistoryEntry{Customer: customer, Month: m, MRR: v})
		case "row":
			var f []any
			if err := json.Unmarshal([]byte(value), &f); err != nil || len(f) < 6 || len(f) > 7 {
				return nil, bad(fmt.Sprintf("%q is not a row print", value))
			}
			p, err := decodePrint(customer, f)
			if err != nil {
				return nil, bad(err.Error())
			}
			b.Prints = append(b.Prints, p)
		default:
			return nil, bad(fmt.Sprintf("unknown record %q", kind))
		}
	}
	h, err := calc.NewHistory(through, entries)
	if err != nil {
		return nil, fmt.Errorf("history tab: %w", err)
	}
	b.History = h
	return &b, nil
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

func decodePrint(customer string, f []any) (calc.RowPrint, error) {
	p := calc.RowPrint{Customer: customer, End: calc.NoEnd}
	row, ok1 := f[0].(float64)
	plan, ok2 := f[1].(string)
	start, ok3 := f[2].(string)
	end, ok4 := f[3].(string)
	mrr, ok5 := f[4].(string)
	hash, ok6 := f[5].(string)
	if len(f) == 7 {
		cur, ok := f[6].(string)
		if !ok || cur == "" {
			return p, errors.New("a row print has fields of the wrong kind")
		}
		p.Currency = cur
	}
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return p, errors.New("a row print has fields of the wrong kind")
	}
	var err error
	p.Row, p.Plan = int(row), plan
	if p.Start, err = calc.ParseDate(start); err != nil {
		return p, err
	}
	if end != "" {
		if p.End, err = calc.ParseDate(end); err != nil {
			return p, err
		}
	}
	if p.MRR, err = calc.ParseFixed(mrr); err != nil {
		return p, err
	}
	if p.Hash, err = strconv.ParseUint(hash, 16, 64); err != nil {
		return p, err
	}
	if p.Hash != p.ContentHash() {
		return p, errors.New("a row print does not match its hash")
	}
	return p, nil
}
