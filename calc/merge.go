package calc

// Freeze returns the history that keeps h's figures through closed and
// takes live's after it, up to live.Through: the books of a sync whose
// months through closed were closed with `mrrbot books close`. A customer
// whose recomputed MRR after closed differs from its frozen MRR at closed
// gets an entry in the first month after closed, so that At answers the
// recomputed figure there.
func Freeze(h History, closed Month, live History) History {
	out := History{Through: live.Through}
	if closed > h.Through {
		closed = h.Through
	}
	frozen := map[string][]HistoryEntry{}
	var order []string
	for c, es := range h.Customers() {
		frozen[c] = es
		order = append(order, c)
	}
	later := map[string][]HistoryEntry{}
	for c, es := range live.Customers() {
		later[c] = es
		if _, ok := frozen[c]; !ok {
			order = append(order, c)
		}
	}
	for _, c := range order {
		var prev Fixed
		for _, e := range frozen[c] {
			if e.Month <= closed {
				out.Entries = append(out.Entries, e)
				prev = e.MRR
			}
		}
		first := true
		for _, e := range later[c] {
			if e.Month <= closed {
				continue
			}
			if first && e.Month > closed+1 {
				// The live value in force at closed+1 comes from an entry
				// at or before closed.
				if v := live.At(c, closed+1); v != prev {
					out.Entries = append(out.Entries, HistoryEntry{Customer: c, Month: closed + 1, MRR: v})
					prev = v
				}
			}
			first = false
			if e.MRR != prev {
				out.Entries = append(out.Entries, e)
				prev = e.MRR
			}
		}
		if first && closed < live.Through {
			if v := live.At(c, closed+1); v != prev {
				out.Entries = append(out.Entries, HistoryEntry{Customer: c, Month: closed + 1, MRR: v})
			}
		}
	}
	sorted, _ := NewHistory(out.Through, out.Entries)
	return sorted
}

// Upto returns h through m: the entries of months up to m.
func (h History) Upto(m Month) History {
	out := History{Through: min(m, h.Through)}
	for _, e := range h.Entries {
		if e.Month <= m {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}
