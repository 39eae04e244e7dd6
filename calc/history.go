package calc

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"iter"
	"slices"
	"sort"
)

// Closed books. A month is closed once it has ended: its figures have been
// reported and should not move when someone edits the sheet. A sync records
// the per-customer month-end MRR of the closed months as a [History] and a
// fingerprint of every row as [RowPrint]s; the next sync compares its fresh
// computation with them ([Restatements]) or keeps the recorded figures
// ([Result.Locked]).

// HistoryEntry says that from Month on, until the customer's next entry,
// the customer's month-end MRR was MRR.
type HistoryEntry struct {
	Customer string
	Month    Month
	MRR      Fixed
}

// History is the month-end MRR of every customer in the closed months
// through Through. It is compact: Entries holds only change points, a
// customer's first month with MRR and every month where its MRR differs
// from the month before (a churn is an entry of 0), sorted by customer,
// then month. A customer's MRR in a month is that of its last entry at or
// before the month, and 0 before its first.
type History struct {
	Through Month
	Entries []HistoryEntry
}

// NewHistory returns the History through through made of entries, as a
// reader of a stored history gets them: in any order, possibly with
// entries that repeat the customer's MRR of the month before, which are
// dropped. entries is not modified. It is an error for an entry to have no
// customer, a negative MRR, a month after through, or the same customer
// and month as another entry.
func NewHistory(through Month, entries []HistoryEntry) (History, error) {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, compareEntries)
	h := History{Through: through, Entries: sorted[:0]}
	for i, e := range sorted {
		switch {
		case e.Customer == "":
			return History{}, fmt.Errorf("history entry for %s: customer is missing", e.Month)
		case e.MRR < 0:
			return History{}, fmt.Errorf("history entry for customer %s, %s: MRR %s is negative", e.Customer, e.Month, e.MRR)
		case e.Month > through:
			return History{}, fmt.Errorf("history entry for customer %s: %s is after the last closed month %s", e.Customer, e.Month, through)
		case i > 0 && sorted[i-1].Customer == e.Customer && sorted[i-1].Month == e.Month:
			return History{}, fmt.Errorf("history has two entries for customer %s, %s", e.Customer, e.Month)
		}
		prev := Fixed(0)
		if n := len(h.Entries); n > 0 && h.Entries[n-1].Customer == e.Customer {
			prev = h.Entries[n-1].MRR
		}
		if e.MRR != prev {
			h.Entries = append(h.Entries, e)
		}
	}
	return h, nil
}

// rounded returns h with each MRR rounded half away from zero to unit, and
// the entries that then repeat the month before dropped. Histories recorded
// since customers' MRR is rounded to the minor unit are already rounded and
// come back as they are; one recorded before keeps amounts to 10⁻⁹, and is
// read at the minor unit so that it compares with today's figures to the
// cent instead of differing from them everywhere by fractions of one.
func (h History) rounded(unit Fixed) History {
	if !slices.ContainsFunc(h.Entries, func(e HistoryEntry) bool { return e.MRR%unit != 0 }) {
		return h
	}
	out := History{Through: h.Through, Entries: make([]HistoryEntry, 0, len(h.Entries))}
	for _, e := range h.Entries {
		e.MRR = roundTo(e.MRR, unit)
		prev := Fixed(0)
		if n := len(out.Entries); n > 0 && out.Entries[n-1].Customer == e.Customer {
			prev = out.Entries[n-1].MRR
		}
		if e.MRR != prev {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

func compareEntries(a, b HistoryEntry) int {
	return cmp.Or(cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.Month, b.Month))
}

// At returns the customer's month-end MRR in m: the MRR of its last entry
// at or before m, or 0 before its first entry or for a customer the history
// does not know. For a month after Through it returns the MRR at Through,
// the last the history knows.
func (h History) At(customer string, m Month) Fixed {
	// The first entry past (customer, m); the one before it is in force.
	i := sort.Search(len(h.Entries), func(i int) bool {
		e := &h.Entries[i]
		return e.Customer > customer || e.Customer == customer && e.Month > m
	})
	if i == 0 || h.Entries[i-1].Customer != customer {
		return 0
	}
	return h.Entries[i-1].MRR
}

// Customers yields each customer of the history, in ID order, with its
// entries in month order. The entries share memory with h.
func (h History) Customers() iter.Seq2[string, []HistoryEntry] {
	return func(yield func(string, []HistoryEntry) bool) {
		for i := 0; i < len(h.Entries); {
			j := i + 1
			for j < len(h.Entries) && h.Entries[j].Customer == h.Entries[i].Customer {
				j++
			}
			if !yield(h.Entries[i].Customer, h.Entries[i:j:j]) {
				return
			}
			i = j
		}
	}
}

// lastMeasured returns the last month a computation as of asOf measures on
// its last day: the as-of month itself is measured on asOf, which is its
// last day only at the end of the month.
func lastMeasured(asOf Date) Month {
	m := asOf.Month()
	if asOf < m.LastDay() {
		m--
	}
	return m
}

// ToDate tells whether month m of the result is measured on the as-of date
// before the month's last day: the month in progress, whose figures are
// the month to date and will still move.
func (r *Result) ToDate(m Month) bool {
	return m == r.AsOf.Month() && r.AsOf < m.LastDay()
}

// LastClosed returns the last closed month as of asOf: the month before
// asOf's, the last that ended before asOf.
func LastClosed(asOf Date) Month { return asOf.Month() - 1 }

// History records the result's per-customer month-end MRR through the
// month through, from its movements. through is capped at the last month
// the result measured on its last day, so a month measured on an as-of date
// inside it is never recorded as closed; Through says where the history
// ends.
func (r *Result) History(through Month) History {
	h := History{Through: min(through, lastMeasured(r.AsOf))}
	moves := r.Movements()
	// Movements come by month; a stable counting sort by customer keeps
	// each customer's in month order.
	offsets := make([]int32, len(r.Customers)+1)
	n := 0
	for _, mv := range moves {
		if mv.Month > h.Through {
			break
		}
		offsets[mv.Customer+1]++
		n++
	}
	if n == 0 {
		return h
	}
	var ids []uint32
	for c := range r.Customers {
		if offsets[c+1] > 0 {
			ids = append(ids, uint32(c))
		}
		offsets[c+1] += offsets[c]
	}
	byCustomer := make([]HistoryEntry, n)
	next := slices.Clone(offsets[:len(r.Customers)])
	for _, mv := range moves[:n] {
		byCustomer[next[mv.Customer]] = HistoryEntry{Customer: r.Customers[mv.Customer].ID, Month: mv.Month, MRR: mv.After}
		next[mv.Customer]++
	}
	slices.SortFunc(ids, func(a, b uint32) int { return cmp.Compare(r.Customers[a].ID, r.Customers[b].ID) })
	h.Entries = make([]HistoryEntry, 0, n)
	for _, c := range ids {
		for _, e := range byCustomer[offsets[c]:offsets[c+1]] {
			// With monthly rates a customer can move twice in a month (its
			// FX impact, then its movement): the month ends at the last.
			if k := len(h.Entries) - 1; k >= 0 && h.Entries[k].Customer == e.Customer && h.Entries[k].Month == e.Month {
				h.Entries[k] = e
				continue
			}
			h.Entries = append(h.Entries, e)
		}
	}
	return h
}

// RowPrint is the fingerprint of one paying row of a sheet: enough to tell,
// on a later sync, whether the row is still there, changed or gone, and
// which months it covered. Row is where the sheet showed it; Hash covers
// everything else, so a row that only moved (because rows above it were
// inserted, deleted or sorted) keeps its hash.
type RowPrint struct {
	Row      int
	Customer string
	Plan     string
	Start    Date
	End      Date
	MRR      Fixed
	// Currency is the row's currency when it has monthly rates (MRR is
	// then in that currency, converted month by month), otherwise "".
	Currency string
	Hash     uint64 // [RowPrint.ContentHash] of the fields above but Row
}

// ContentHash returns the FNV-64a hash of the print's customer, plan,
// start, end, MRR and currency, if any (not its row). It depends on nothing but those values,
// so it is the same in every run and on every machine, and a print read
// back from storage can be checked against it.
func (p RowPrint) ContentHash() uint64 {
	h := fnv64a(14695981039346656037)
	var buf [16]byte
	// Lengths first, so that ("ab", "c") and ("a", "bc") differ.
	binary.LittleEndian.PutUint32(buf[0:], uint32(len(p.Customer)))
	binary.LittleEndian.PutUint32(buf[4:], uint32(len(p.Plan)))
	h.bytes(buf[:8])
	h.string(p.Customer)
	h.string(p.Plan)
	binary.LittleEndian.PutUint32(buf[0:], uint32(p.Start))
	binary.LittleEndian.PutUint32(buf[4:], uint32(p.End))
	binary.LittleEndian.PutUint64(buf[8:], uint64(p.MRR))
	h.bytes(buf[:16])
	if p.Currency != "" {
		// Only then, so the prints of rows without monthly rates keep the
		// hashes they were recorded with.
		h.string(p.Currency)
	}
	return uint64(h)
}

// fnv64a is a running FNV-1a hash, 64 bits, without the allocation of
// hash/fnv's interface value.
type fnv64a uint64

const fnvPrime64 = 1099511628211

func (h *fnv64a) bytes(b []byte) {
	for _, c := range b {
		*h = (*h ^ fnv64a(c)) * fnvPrime64
	}
}

func (h *fnv64a) string(s string) {
	for i := 0; i < len(s); i++ {
		*h = (*h ^ fnv64a(s[i])) * fnvPrime64
	}
}

// Prints returns the fingerprint of every row stored in the book, in the
// order the rows were added. Only rows that count towards MRR are stored:
// trial, free and zero-value rows, and rows left out with an error, have
// no print.
func (b *Book) Prints() []RowPrint {
	ids := b.ids.strings()
	plans := b.plans.strings()
	out := make([]RowPrint, 0, b.rows.len())
	for _, blk := range b.rows.blocks {
		for i := range blk {
			r := &blk[i]
			p := RowPrint{
				Row:      int(r.line),
				Customer: ids[r.cust],
				Plan:     plans[r.plan],
				Start:    r.start,
				End:      r.end,
				MRR:      r.mrr,
			}
			if r.cur != 0 {
				p.Currency = b.monthly[r.cur-1].code
			}
			p.Hash = p.ContentHash()
			out = append(out, p)
		}
	}
	return out
}

// A RowChange's kinds.
const (
	RowAdded   = "added"   // only in the current sheet
	RowRemoved = "removed" // only in the recorded prints
	RowChanged = "changed" // in both, with different contents
)

// RowChange is a sheet row that explains a restatement.
type RowChange struct {
	Kind string // RowAdded, RowRemoved or RowChanged
	// Row is the row in the current sheet; for a removed row, the row it
	// had when the history was recorded.
	Row int
	// OldRow is the row when the history was recorded: that of a changed
	// row before the change, that of a removed row; 0 for an added row.
	OldRow int
}

// Restatement is a closed month whose recomputed MRR for one customer
// differs from the recorded one.
type Restatement struct {
	Month    Month
	Customer string
	Before   Fixed // recorded
	After    Fixed // recomputed
	// Rows are the customer's added, removed and changed rows whose
	// contribution to the customer's MRR on the month's last day differs
	// between the recorded and the current sheet, by Row. It is empty only
	// when no row changed: a history recorded before MRR was rounded to the
	// cent can differ by a cent from today's rounding of the same rows.
	Rows []RowChange
}

// Restatements compares the closed months recorded in old with the same
// months recomputed in res, and lists every difference, by month, then
// customer. Closed months are measured on their last day: the months
// compared are those through old.Through that res also measured on their
// last day (a res as of a date inside a recorded month does not restate
// it). oldPrints are the prints recorded with old, newPrints those of the
// book res was computed from. Amounts compare at the reporting currency's
// minor unit: a history recorded before month-end MRR was rounded to it
// is rounded first.
//
// Rows are matched within a customer, in this order:
//
//  1. an old and a new row with the same hash are the same row, unchanged,
//     wherever it moved;
//  2. an old and a new row with the same row number are one row, changed
//     (a cell edited in place);
//  3. failing that, an old and a new row with the same plan and start date,
//     or else the same plan and end date, are one row, changed (edited, and
//     moved by rows inserted or deleted above it);
//
// every old row left is removed, every new row left is added. Each pass
// pairs rows in row order.
func Restatements(old History, oldPrints []RowPrint, res *Result, newPrints []RowPrint) []Restatement {
	old = old.rounded(minorUnit(res.Currency))
	limit := min(old.Through, lastMeasured(res.AsOf))
	cur := res.History(limit)

	var out []Restatement
	restated := make(map[string][]int) // customer → its restatements in out
	emit := func(c string, m Month, before, after Fixed) {
		restated[c] = append(restated[c], len(out))
		out = append(out, Restatement{Month: m, Customer: c, Before: before, After: after})
	}
	olds, news := old.Entries, cur.Entries
	for len(olds) > 0 || len(news) > 0 {
		var c string
		switch {
		case len(olds) == 0:
			c = news[0].Customer
		case len(news) == 0:
			c = olds[0].Customer
		default:
			c = min(olds[0].Customer, news[0].Customer)
		}
		o, n := leading(olds, c), leading(news, c)
		olds, news = olds[len(o):], news[len(n):]
		diffSteps(o, n, limit, func(m Month, before, after Fixed) { emit(c, m, before, after) })
	}
	if len(out) == 0 {
		return nil
	}

	// Explain each restatement with the rows of its customer.
	oldBy, newBy := printsOf(oldPrints, restated), printsOf(newPrints, restated)
	for c, idx := range restated {
		changes := matchRows(oldBy[c], newBy[c])
		for _, i := range idx {
			rs := &out[i]
			day := rs.Month.LastDay()
			for _, ch := range changes {
				if ch.old.contribution(day) != ch.new.contribution(day) || ch.old.currency() != ch.new.currency() {
					rs.Rows = append(rs.Rows, ch.RowChange)
				}
			}
			slices.SortFunc(rs.Rows, func(a, b RowChange) int {
				return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.OldRow, b.OldRow), cmp.Compare(a.Kind, b.Kind))
			})
		}
	}
	slices.SortFunc(out, func(a, b Restatement) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Customer, b.Customer))
	})
	return out
}

// leading returns the entries at the front of es that belong to customer c.
func leading(es []HistoryEntry, c string) []HistoryEntry {
	n := 0
	for n < len(es) && es[n].Customer == c {
		n++
	}
	return es[:n]
}

// diffSteps walks two customers' entries, each a step function of the
// month, and calls emit for every month through limit where they differ.
func diffSteps(old, cur []HistoryEntry, limit Month, emit func(m Month, before, after Fixed)) {
	var ov, cv Fixed
	m := Month(0)
	switch {
	case len(old) == 0 && len(cur) == 0:
		return
	case len(old) == 0:
		m = cur[0].Month
	case len(cur) == 0:
		m = old[0].Month
	default:
		m = min(old[0].Month, cur[0].Month)
	}
	for m <= limit {
		if len(old) > 0 && old[0].Month == m {
			ov, old = old[0].MRR, old[1:]
		}
		if len(cur) > 0 && cur[0].Month == m {
			cv, cur = cur[0].MRR, cur[1:]
		}
		next := limit + 1
		if len(old) > 0 {
			next = min(next, old[0].Month)
		}
		if len(cur) > 0 {
			next = min(next, cur[0].Month)
		}
		if ov != cv {
			for k := m; k < next; k++ {
				emit(k, ov, cv)
			}
		}
		m = next
	}
}

// printsOf groups the prints of the customers in want by customer.
func printsOf(prints []RowPrint, want map[string][]int) map[string][]*RowPrint {
	out := make(map[string][]*RowPrint, len(want))
	for i := range prints {
		if _, ok := want[prints[i].Customer]; ok {
			out[prints[i].Customer] = append(out[prints[i].Customer], &prints[i])
		}
	}
	return out
}

// rowChange is a RowChange with the prints it pairs; old or new is nil for
// an added or a removed row.
type rowChange struct {
	RowChange
	old, new *RowPrint
}

// contribution returns the print's MRR on day, or 0 when its dates do not
// cover the day or there is no print.
func (p *RowPrint) currency() string {
	if p == nil {
		return ""
	}
	return p.Currency
}

func (p *RowPrint) contribution(day Date) Fixed {
	if p == nil || day < p.Start || day > p.End {
		return 0
	}
	return p.MRR
}

// matchRows pairs one customer's recorded and current prints by the rules
// of [Restatements] and returns the rows that are not unchanged.
func matchRows(olds, news []*RowPrint) []rowChange {
	byRow := func(a, b *RowPrint) int { return cmp.Compare(a.Row, b.Row) }
	slices.SortFunc(olds, byRow)
	slices.SortFunc(news, byRow)
	oldDone := make([]bool, len(olds))
	newDone := make([]bool, len(news))

	// Pass 1: the same hash, as many times as it occurs on each side.
	byHash := make(map[uint64][]int)
	for j, p := range news {
		byHash[p.Hash] = append(byHash[p.Hash], j)
	}
	for i, p := range olds {
		if js := byHash[p.Hash]; len(js) > 0 {
			oldDone[i], newDone[js[0]] = true, true
			byHash[p.Hash] = js[1:]
		}
	}

	var changes []rowChange
	pair := func(i, j int) {
		oldDone[i], newDone[j] = true, true
		changes = append(changes, rowChange{RowChange{Kind: RowChanged, Row: news[j].Row, OldRow: olds[i].Row}, olds[i], news[j]})
	}
	pairBy(olds, news, oldDone, newDone, func(p *RowPrint) int { return p.Row }, pair)
	type planDate struct {
		plan string
		day  Date
	}
	pairBy(olds, news, oldDone, newDone, func(p *RowPrint) planDate { return planDate{p.Plan, p.Start} }, pair)
	pairBy(olds, news, oldDone, newDone, func(p *RowPrint) planDate { return planDate{p.Plan, p.End} }, pair)

	for i, p := range olds {
		if !oldDone[i] {
			changes = append(changes, rowChange{RowChange{Kind: RowRemoved, Row: p.Row, OldRow: p.Row}, p, nil})
		}
	}
	for j, p := range news {
		if !newDone[j] {
			changes = append(changes, rowChange{RowChange{Kind: RowAdded, Row: p.Row}, nil, p})
		}
	}
	return changes
}

// pairBy pairs the unpaired old and new prints with equal keys, each old
// print (in row order) with the first unpaired new one.
func pairBy[K comparable](olds, news []*RowPrint, oldDone, newDone []bool, key func(*RowPrint) K, pair func(i, j int)) {
	waiting := make(map[K][]int)
	for j, p := range news {
		if !newDone[j] {
			waiting[key(p)] = append(waiting[key(p)], j)
		}
	}
	if len(waiting) == 0 {
		return
	}
	for i, p := range olds {
		if oldDone[i] {
			continue
		}
		k := key(p)
		if js := waiting[k]; len(js) > 0 {
			pair(i, js[0])
			waiting[k] = js[1:]
		}
	}
}
