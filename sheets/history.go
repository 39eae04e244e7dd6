package sheets

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/calc"
)

// RoleHistory is the role of the hidden tab that keeps the books: the
// month-end MRR of every customer in the closed months, and a fingerprint
// of every paying row, as the last sync computed them.
const RoleHistory = "history"

// HistoryTabName is the title of the history tab.
const HistoryTabName = "_mrrbot_history"

// historyCellBytes is the most a cell of the history tab holds, in bytes
// of UTF-8: under Excel's 32,767 characters and Google's 50,000, however
// they count them, since no character takes fewer bytes of UTF-8 than
// code units of UTF-16.
const historyCellBytes = 30_000

// Titles of the history tab's header. The second column's title is
// historyMRRTitle, the last recorded month, and historyClosedTitle and the
// last closed month if there is one.
const (
	historyCustomerTitle = "Customer"
	historyMRRTitle      = "MRR through "
	historyClosedTitle   = ", closed "
	historyRowsTitle     = "Rows, check"
	historyMoreTitle     = "(more)"
	// historyHashedRowsTitle is the third title of the layout before
	// today's, whose prints each carried a hash and whose rows had no check.
	historyHashedRowsTitle = "Rows"
)

// HistoryTab returns the hidden, protected tab that records the books b.
//
// The tab has one row per customer, below a header that carries the
// last recorded month and the last closed one:
//
//	Customer  MRR through 2026-02, closed 2025-12   Rows, check
//	C001      2025-04:100;2025-06:149;2025-10:0     2,Starter,2025-04-01,2025-09-30,100;9,Pro,…;#5f1c02e9
//	C002                                            3,Pro,2025-04-10,,324,EUR;#c0d2a17b
//
// A row's cells are records separated by ";": first the customer's ID, then
// its change points (MONTH:AMOUNT, the calc.History entries), then the
// prints of its paying rows (ROW,PLAN,START,END,MRR[,CURRENCY], the
// calc.RowPrint fields but the hash, which is computed from them again;
// END is empty for a row that runs on, CURRENCY is there only for a row
// with monthly rates), and last the row's check: "#" and the hexadecimal
// FNV-1a hash, 32 bits, of the records before it, each followed by ";". A
// change point has no comma, a print has four or five and a check starts
// with "#", so a record says what it is wherever it stands; the writer
// starts the change points and the prints each in a fresh cell (columns B
// and C) so that the tab reads well, and the reader does not depend on it.
// Amounts are exact decimal text, never floats. The check makes a row
// edited by hand an error that names it, rather than books read wrong.
//
// The ID, plans and currencies are escaped so that no record holds a
// separator or a blank: "%", ",", ";", "~", every white-space, control or
// otherwise unprintable character and every byte that is not UTF-8 are
// written as %XX, one per byte. A cell therefore never starts or ends with
// a blank (which a spreadsheet or a reader may trim), and reading a tab
// never depends on a separator that a value could hold.
//
// No cell holds more than 30,000 bytes (historyCellBytes), under Excel's
// 32,767 characters and Google's 50,000. Records are packed into a cell
// while they fit; a record that does not fit in an empty cell is cut, at a
// character boundary, into pieces, and each piece but the last ends with
// "~", meaning that the record goes on in the next cell. A customer whose records fill more than a cell goes on in
// the columns after C ("(more)"), never in another row, so the tab has one
// row per customer plus the header: never more rows than the sheet has
// paying rows and a header, except for the customers that closed books
// keep after their rows were deleted. A customer of the generated sheets
// (five rows on average) fills two or three short cells.
//
// Two layouts came before this one. In the one just before (its third
// title "Rows"), each print carried its own 64-bit hash
// (ROW,PLAN,START,END,MRR,HASH[,CURRENCY]) and a row had no check: 17
// bytes a paying row, where a check costs 10 a customer: the hashes were
// a fifth of the tab's text (6.7 MB at 100k rows, now 5.3 MB), which is
// what kept the staged write of a 100k-row Google sheet from one values
// call. Before it the tab was three columns, one
// record a row (Kind, Customer, Value: "through", "closed", "mrr" and
// "row" records), at about 1.7 rows per paying row, which a workbook of
// more than ~600,000 rows could not hold. DecodeHistory tells the three
// apart by the header and reads them all; the next sync writes this one.
//
// Why this layout: a row per customer is bounded by the sheet (every
// customer has a paying row), where a row per record was not; three
// columns keep the grid small (Google counts every cell of a grid against
// a spreadsheet's 10 million, empty or not), and packing records into few
// cells keeps a write's bytes down, since each cell costs a Google request
// more than its text. Cutting a long customer across columns rather than
// rows keeps the row bound. %XX escaping is context-free: a piece of a cut
// record needs no quote balanced in another cell, and an escaped value
// never holds a separator, a blank or a "~".
func HistoryTab(b calc.Books) Tab {
	return historyTab(b, historyCellBytes)
}

// historyTab is HistoryTab with cells of at most limit bytes (tests make
// it small to cut records often); limit is at least 8, so that a piece
// holds a character of UTF-8 and its "~".
func historyTab(b calc.Books, limit int) Tab {
	limit = max(limit, 8)
	// The prints of each customer, in the order of b.Prints.
	order := make([]int, len(b.Prints))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return strings.Compare(b.Prints[i].Customer, b.Prints[j].Customer) })

	w := historyWriter{limit: limit}
	entries := b.History.Entries
	for len(entries) > 0 || len(order) > 0 {
		var c string
		switch {
		case len(entries) == 0:
			c = b.Prints[order[0]].Customer
		case len(order) == 0:
			c = entries[0].Customer
		default:
			c = min(entries[0].Customer, b.Prints[order[0]].Customer)
		}
		w.startRow()
		w.record(appendEscaped(w.scratch[:0], c))
		w.nextCell()
		for len(entries) > 0 && entries[0].Customer == c {
			e := entries[0]
			entries = entries[1:]
			rec := e.Month.Append(w.scratch[:0])
			rec = append(rec, ':')
			w.record(e.MRR.Append(rec))
		}
		w.nextCell()
		for len(order) > 0 && b.Prints[order[0]].Customer == c {
			w.record(appendPrint(w.scratch[:0], &b.Prints[order[0]]))
			order = order[1:]
		}
		w.check()
		w.endRow()
	}

	title := historyMRRTitle + b.History.Through.String()
	if b.Closed != 0 {
		title += historyClosedTitle + b.Closed.String()
	}
	cols := []TabColumn{{Title: historyCustomerTitle, Width: 120}, {Title: title, Width: 300}, {Title: historyRowsTitle, Width: 420}}
	for len(cols) < w.width {
		cols = append(cols, TabColumn{Title: historyMoreTitle, Width: 420})
	}
	return Tab{Name: HistoryTabName, Role: RoleHistory, Columns: cols, Rows: w.rows, FrozenRows: 1, Hidden: true, Protected: true}
}

// historyWriter packs records into the cells of the history tab's rows.
type historyWriter struct {
	limit   int
	rows    [][]Cell
	row     []Cell
	cell    []byte // the cell being filled
	scratch []byte // the record being built
	width   int
	sum     rowCheck // of the row's records so far
}

func (w *historyWriter) startRow() {
	w.row = make([]Cell, 0, 3)
	w.sum = newRowCheck()
}

// check adds the row's check, the hash of its records, as its last record.
func (w *historyWriter) check() {
	rec := append(w.scratch[:0], '#')
	rec = strconv.AppendUint(rec, uint64(w.sum), 16)
	w.record(rec)
}

// rowCheck is the FNV-1a hash, 32 bits, of a row's records, each followed
// by ";": the check that ends the row.
type rowCheck uint32

func newRowCheck() rowCheck { return 2166136261 }

// sumRecord returns h with the record rec and its ";" added.
func sumRecord[T string | []byte](h rowCheck, rec T) rowCheck {
	for i := 0; i < len(rec); i++ {
		h = (h ^ rowCheck(rec[i])) * 16777619
	}
	return (h ^ ';') * 16777619
}

// nextCell ends the cell being filled, even if it is empty (a customer
// without change points has an empty column B).
func (w *historyWriter) nextCell() {
	w.row = append(w.row, TextCell(string(w.cell)))
	w.cell = w.cell[:0]
}

func (w *historyWriter) endRow() {
	if len(w.cell) > 0 {
		w.nextCell()
	}
	for len(w.row) > 0 && w.row[len(w.row)-1].Kind == Empty {
		w.row = w.row[:len(w.row)-1]
	}
	w.width = max(w.width, len(w.row))
	w.rows = append(w.rows, w.row)
	w.row = nil
}

// record adds rec to the cell being filled, or to the next one, cut into
// pieces if it fills more than a cell.
func (w *historyWriter) record(rec []byte) {
	w.scratch = rec[:0] // reuse its memory for the next record
	w.sum = sumRecord(w.sum, rec)
	switch {
	case len(w.cell) > 0 && len(w.cell)+1+len(rec) <= w.limit:
		w.cell = append(append(w.cell, ';'), rec...)
		return
	case len(w.cell) > 0:
		w.nextCell()
	}
	for len(rec) > w.limit {
		// A piece of limit-1 bytes and "~", cut before a character.
		n := w.limit - 1
		for n > 0 && !utf8.RuneStart(rec[n]) {
			n--
		}
		w.cell = append(append(w.cell, rec[:n]...), '~')
		w.nextCell()
		rec = rec[n:]
	}
	w.cell = append(w.cell, rec...)
}

// appendPrint appends the record of the print p.
func appendPrint(b []byte, p *calc.RowPrint) []byte {
	b = strconv.AppendInt(b, int64(p.Row), 10)
	b = append(b, ',')
	b = appendEscaped(b, p.Plan)
	b = append(b, ',')
	b = p.Start.Append(b)
	b = append(b, ',')
	if p.End != calc.NoEnd {
		b = p.End.Append(b)
	}
	b = append(b, ',')
	b = p.MRR.Append(b)
	if p.Currency != "" {
		b = append(b, ',')
		b = appendEscaped(b, p.Currency)
	}
	return b
}

// escapes reports whether r, read from a value, is written as %XX.
func escapes(r rune) bool {
	switch r {
	case '%', ',', ';', '~':
		return true
	}
	if r < utf8.RuneSelf {
		return r <= ' ' || r == 0x7f
	}
	return r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r)
}

// appendEscaped appends s with the characters of escapes as %XX.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !escapes(r) {
			b = append(b, s[i:i+n]...)
		} else {
			for _, c := range []byte(s[i : i+n]) {
				b = append(b, '%', hex[c>>4], hex[c&15])
			}
		}
		i += n
	}
	return b
}

// unescapeName undoes appendEscaped (whose %XX escapes are a URL path's), with its result kept once in names.
func unescapeName(s string, names map[string]string) (string, error) {
	if v, ok := names[s]; ok {
		return v, nil
	}
	v, err := url.PathUnescape(s)
	if err != nil {
		return "", err
	}
	if v == s {
		v = strings.Clone(s)
		s = v
	}
	names[strings.Clone(s)] = v
	return v, nil
}

// DecodeHistory reads a history tab written by HistoryTab, in this layout
// or either of the two before it (see HistoryTab), which it tells apart
// by the header. The prints come back in row order.
func DecodeHistory(r RowReader) (*calc.Books, error) {
	n, cells, err := r.Next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("history tab: the tab is empty (it is mrrbot's; delete it and sync again)")
	}
	if err != nil {
		return nil, err
	}
	get := func(cells []Cell, i int) string {
		if i < len(cells) {
			return cells[i].text()
		}
		return ""
	}
	switch a, b := get(cells, 0), get(cells, 1); {
	case a == historyCustomerTitle && strings.HasPrefix(b, historyMRRTitle):
		switch c := get(cells, 2); c {
		case historyRowsTitle:
			return decodeHistory(n, b, r, false)
		case historyHashedRowsTitle:
			return decodeHistory(n, b, r, true)
		}
	case a == "Kind" && b == "Customer":
		return decodeHistoryRecords(r)
	}
	return nil, fmt.Errorf("history tab, row %d: the header %q, %q is not one mrrbot writes (the tab is mrrbot's; if it was edited, delete it and sync again)", n, get(cells, 0), get(cells, 1))
}

func historyError(row int, why string) error {
	return fmt.Errorf("history tab, row %d: %s (the tab is mrrbot's; if it was edited, delete it and sync again)", row, why)
}

// decodeHistory reads the rows of a history tab in today's layout below
// its header, whose second cell is title, or in the layout before it,
// whose prints are hashed and whose rows have no check.
func decodeHistory(headerRow int, title string, r RowReader, hashed bool) (*calc.Books, error) {
	var b calc.Books
	months, closed, hasClosed := strings.Cut(strings.TrimPrefix(title, historyMRRTitle), historyClosedTitle)
	through, err := calc.ParseMonth(months)
	if err == nil && hasClosed {
		b.Closed, err = calc.ParseMonth(closed)
	}
	if err != nil {
		return nil, historyError(headerRow, fmt.Sprintf("the header %q does not say which months the tab records: %v", title, err))
	}
	var entries blocks[calc.HistoryEntry]
	var prints blocks[calc.RowPrint]
	plans := map[string]string{} // each plan and currency kept once
	var recs []string
	for {
		n, cells, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		recs, err = historyRecords(recs[:0], cells)
		if err != nil {
			return nil, historyError(n, err.Error())
		}
		if len(recs) == 0 {
			continue
		}
		customer, err := url.PathUnescape(recs[0])
		if err == nil && customer == "" {
			err = errors.New("the customer is missing")
		}
		if err != nil {
			return nil, historyError(n, err.Error())
		}
		if !hashed {
			if err := checkRow(recs); err != nil {
				return nil, historyError(n, err.Error())
			}
			recs = recs[:len(recs)-1]
		}
		for _, rec := range recs[1:] {
			if !strings.Contains(rec, ",") {
				ms, amount, ok := strings.Cut(rec, ":")
				m, err1 := calc.ParseMonth(ms)
				v, err2 := calc.ParseFixed(amount)
				if !ok || err1 != nil || err2 != nil {
					return nil, historyError(n, fmt.Sprintf("%q is not MONTH:AMOUNT", rec))
				}
				*entries.next() = calc.HistoryEntry{Customer: customer, Month: m, MRR: v}
				continue
			}
			p := prints.next()
			if *p, err = parsePrint(customer, rec, plans, hashed); err != nil {
				return nil, historyError(n, fmt.Sprintf("%q is not a row print: %v", rec, err))
			}
		}
	}
	h, err := calc.NewHistory(through, entries.all())
	if err != nil {
		return nil, fmt.Errorf("history tab: %w", err)
	}
	b.History = h
	b.Prints = byRow(prints)
	return &b, nil
}

// blocks is a list that grows a block at a time, so that a long one is
// not copied over and over as it grows (its elements hold pointers, which
// makes each copy slow), and is made one slice once, of the right size.
type blocks[T any] struct {
	full [][]T
	last []T
	n    int
}

const blockLen = 4096

// next returns the next element, zero.
func (b *blocks[T]) next() *T {
	if len(b.last) == cap(b.last) {
		if b.last != nil {
			b.full = append(b.full, b.last)
		}
		b.last = make([]T, 0, blockLen)
	}
	b.last = b.last[:len(b.last)+1]
	b.n++
	return &b.last[len(b.last)-1]
}

// each calls fn with each element, in order, and its index.
func (b *blocks[T]) each(fn func(i int, v *T)) {
	i := 0
	for _, blk := range append(b.full, b.last) {
		for j := range blk {
			fn(i, &blk[j])
			i++
		}
	}
}

// all returns the elements as one slice, or nil.
func (b *blocks[T]) all() []T {
	if b.n == 0 {
		return nil
	}
	out := make([]T, 0, b.n)
	for _, blk := range append(b.full, b.last) {
		out = append(out, blk...)
	}
	return out
}

// byRow returns the prints in row order, prints of the same row in the
// order read: sorted by keys of row and index, which is quicker than
// sorting the prints themselves.
func byRow(prints blocks[calc.RowPrint]) []calc.RowPrint {
	if prints.n == 0 {
		return nil
	}
	keys := make([]uint64, 0, prints.n)
	all := make([]*calc.RowPrint, 0, prints.n)
	fits := true
	prints.each(func(i int, p *calc.RowPrint) {
		fits = fits && p.Row >= 0 && p.Row <= math.MaxUint32
		keys = append(keys, uint64(p.Row)<<32|uint64(i))
		all = append(all, p)
	})
	out := make([]calc.RowPrint, 0, prints.n)
	if !fits {
		for _, p := range all {
			out = append(out, *p)
		}
		slices.SortStableFunc(out, func(p, q calc.RowPrint) int { return cmp.Compare(p.Row, q.Row) })
		return out
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, *all[k&math.MaxUint32])
	}
	return out
}

// historyRecords appends the records of a row's cells to recs: each cell
// holds whole records separated by ";", but for a piece that ends with "~",
// whose record goes on in the next cell.
func historyRecords(recs []string, cells []Cell) ([]string, error) {
	pending := ""
	cont := false
	for _, c := range cells {
		s := c.text()
		if s == "" {
			continue
		}
		if cont {
			s = pending + s
		}
		pending, cont = "", strings.HasSuffix(s, "~")
		if cont {
			s = s[:len(s)-1]
		}
		for {
			rec, rest, more := strings.Cut(s, ";")
			if !more && cont {
				pending = rec
				break
			}
			if rec == "" {
				return nil, errors.New("a record is empty")
			}
			recs = append(recs, rec)
			if !more {
				break
			}
			s = rest
		}
	}
	if cont {
		return nil, errors.New("the last cell ends with ~, but no cell follows it")
	}
	return recs, nil
}

// checkRow checks that the last of a row's records is its check and that
// the check is the hash of the records before it.
func checkRow(recs []string) error {
	last := recs[len(recs)-1]
	if len(recs) < 2 || last[0] != '#' {
		return errors.New("the row does not end with its check (#…)")
	}
	sum := newRowCheck()
	for i, rec := range recs[:len(recs)-1] {
		// The first record is the customer's ID, which may start with "#".
		if i > 0 && rec[0] == '#' {
			return fmt.Errorf("%q is a check, but not the row's last record", rec)
		}
		sum = sumRecord(sum, rec)
	}
	want, err := strconv.ParseUint(last[1:], 16, 32)
	if err != nil {
		return fmt.Errorf("%q is not a check: %v", last, err)
	}
	if rowCheck(want) != sum {
		return fmt.Errorf("the records do not match the row's check %s: the row was edited", last)
	}
	return nil
}

// parsePrint reads the record of one of the customer's prints, with its
// hash when hashed (the layout before today's; see HistoryTab), else
// without it, computing it.
// Plans and currencies are kept once each in names, not as parts of the
// tab's cells, which would keep the cells in memory.
func parsePrint(customer, rec string, names map[string]string, hashed bool) (calc.RowPrint, error) {
	p := calc.RowPrint{Customer: customer, End: calc.NoEnd}
	var f [7]string
	k := 0
	for s := rec; ; k++ {
		if k == len(f) {
			return p, errors.New("too many fields")
		}
		field, rest, more := strings.Cut(s, ",")
		f[k] = field
		if !more {
			k++
			break
		}
		s = rest
	}
	fields := 5 // ROW,PLAN,START,END,MRR, then CURRENCY or not
	if hashed {
		fields = 6 // and HASH before CURRENCY
	}
	switch {
	case k < fields:
		return p, errors.New("too few fields")
	case k > fields+1:
		return p, errors.New("too many fields")
	}
	var err error
	if p.Row, err = strconv.Atoi(f[0]); err != nil {
		return p, err
	}
	if p.Plan, err = unescapeName(f[1], names); err != nil {
		return p, err
	}
	if p.Start, err = calc.ParseDate(f[2]); err != nil {
		return p, err
	}
	if f[3] != "" {
		if p.End, err = calc.ParseDate(f[3]); err != nil {
			return p, err
		}
	}
	if p.MRR, err = calc.ParseFixed(f[4]); err != nil {
		return p, err
	}
	if hashed {
		if p.Hash, err = strconv.ParseUint(f[5], 16, 64); err != nil {
			return p, err
		}
	}
	if k == fields+1 {
		if p.Currency, err = unescapeName(f[fields], names); err != nil {
			return p, err
		}
		if p.Currency == "" {
			return p, errors.New("the currency is empty")
		}
	}
	if !hashed {
		p.Hash = p.ContentHash()
	} else if p.Hash != p.ContentHash() {
		return p, errors.New("it does not match its hash")
	}
	return p, nil
}

// decodeHistoryRecords reads the rows below the header of a history tab in
// the first layout: one record a row, Kind, Customer, Value.
func decodeHistoryRecords(r RowReader) (*calc.Books, error) {
	var b calc.Books
	var through calc.Month
	var entries []calc.HistoryEntry
	for {
		n, cells, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		get := func(i int) string {
			if i < len(cells) {
				return cells[i].text()
			}
			return ""
		}
		kind, customer, value := get(0), get(1), get(2)
		bad := func(why string) error { return historyError(n, why) }
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
			ms, amount, ok := strings.Cut(value, " ")
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
			p, err := decodeJSONPrint(customer, f)
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

// decodeJSONPrint reads a print of the first layout: a JSON array
// [ROW, PLAN, START, END, MRR, HASH, CURRENCY?].
func decodeJSONPrint(customer string, f []any) (calc.RowPrint, error) {
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
