package sheetstest

import (
	"slices"

	sheets "google.golang.org/api/sheets/v4"
)

// Merged cells live on a tab as sheets[].merges, grid ranges with the end
// indexes exclusive. As at Google, merging keeps only the value of each
// merged range's top-left cell (the others are cleared), a range may not
// overlap one already merged, and merged ranges follow the rows and
// columns they cover when rows or columns are inserted or deleted.

// mergeTypes are the ways mergeCells merges a range: into one range, into
// one per column, or into one per row.
var mergeTypes = []string{"MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS"}

func (b *book) mergeCells(r *sheets.MergeCellsRequest) *apiError {
	if !slices.Contains(mergeTypes, r.MergeType) {
		return invalid("mergeType must be one of %v, not %q", mergeTypes, r.MergeType)
	}
	sp, err := b.gridRange(r.Range)
	if err != nil {
		return err
	}
	if (sp.r1-sp.r0)*(sp.c1-sp.c0) < 2 {
		return invalid("Must merge at least two cells.")
	}
	var areas []span
	switch r.MergeType {
	case "MERGE_ALL":
		areas = []span{sp}
	case "MERGE_COLUMNS":
		for c := sp.c0; c < sp.c1; c++ {
			areas = append(areas, span{t: sp.t, r0: sp.r0, r1: sp.r1, c0: c, c1: c + 1})
		}
	case "MERGE_ROWS":
		for row := sp.r0; row < sp.r1; row++ {
			areas = append(areas, span{t: sp.t, r0: row, r1: row + 1, c0: sp.c0, c1: sp.c1})
		}
	}
	t := sp.t
	for _, m := range t.merges {
		if m.StartRowIndex < sp.r1 && sp.r0 < m.EndRowIndex && m.StartColumnIndex < sp.c1 && sp.c0 < m.EndColumnIndex {
			return invalid("You can't merge cells that overlap with an existing merge.")
		}
	}
	for _, a := range areas {
		if (a.r1-a.r0)*(a.c1-a.c0) < 2 {
			continue
		}
		for row := a.r0; row < min(a.r1, int64(len(t.rows))); row++ {
			if int64(len(t.rows[row])) <= a.c0 {
				continue
			}
			cells := t.rowForWrite(row, 0)
			for c := a.c0; c < min(a.c1, int64(len(cells))); c++ {
				if row == a.r0 && c == a.c0 || cells[c] == nil {
					continue
				}
				kept := clone(cells[c])
				kept.UserEnteredValue, kept.EffectiveValue = nil, nil
				if emptyCell(kept) {
					kept = nil
				}
				cells[c] = kept
			}
		}
		t.merges = append(t.merges, &sheets.GridRange{
			SheetId:       t.props.SheetId,
			StartRowIndex: a.r0, EndRowIndex: a.r1,
			StartColumnIndex: a.c0, EndColumnIndex: a.c1,
		})
	}
	return nil
}

func (b *book) unmergeCells(r *sheets.UnmergeCellsRequest) *apiError {
	sp, err := b.gridRange(r.Range)
	if err != nil {
		return err
	}
	sp.t.merges = slices.DeleteFunc(sp.t.merges, func(m *sheets.GridRange) bool {
		return m.StartRowIndex < sp.r1 && sp.r0 < m.EndRowIndex && m.StartColumnIndex < sp.c1 && sp.c0 < m.EndColumnIndex
	})
	return nil
}

// moveMerges moves the tab's merged ranges for n rows (or columns)
// inserted at index at (n > 0) or -n deleted from at (n < 0); count is the
// grid's size along that dimension afterwards. A range left with one cell
// is no longer merged.
func (t *tab) moveMerges(isRows bool, at, n, count int64) {
	if len(t.merges) == 0 || n == 0 {
		return
	}
	t.merges = slices.DeleteFunc(t.merges, func(g *sheets.GridRange) bool {
		start, end := &g.StartColumnIndex, &g.EndColumnIndex
		if isRows {
			start, end = &g.StartRowIndex, &g.EndRowIndex
		}
		var left bool
		*start, *end, left = moveSpan(*start, *end, at, n, count)
		return !left || (g.EndRowIndex-g.StartRowIndex)*(g.EndColumnIndex-g.StartColumnIndex) < 2
	})
}
