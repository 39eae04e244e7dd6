package sheets

import (
	"cmp"
	"slices"
)

// mergedArea is a range of merged cells: rows r0 through r1 as the sheet
// numbers them, zero-based columns c0 through c1, all inclusive.
type mergedArea struct {
	r0, r1, c0, c1 int
	value          Cell // the top-left cell, once read
}

// merged fills in the cells that merged ranges cover. A spreadsheet keeps
// a merged range's value in its top-left cell only and shows it across the
// range: a Customer ID merged over three rows is, to the person who merged
// it, the customer of each of them, so it is read as such.
type merged struct {
	areas  []mergedArea // by first row
	next   int          // the first area not yet started
	active []*mergedArea
}

// newMerged returns a filler for the merged areas.
func newMerged(areas []mergedArea) *merged {
	slices.SortFunc(areas, func(a, b mergedArea) int { return cmp.Compare(a.r0, b.r0) })
	return &merged{areas: areas}
}

// fill fills in row's cells that a merged area covers, below or beside its
// top-left cell, and returns the cells. Rows come in order.
func (m *merged) fill(row int, cells []Cell) []Cell {
	if m == nil || len(m.areas) == 0 {
		return cells
	}
	for m.next < len(m.areas) && m.areas[m.next].r0 <= row {
		m.active = append(m.active, &m.areas[m.next])
		m.next++
	}
	keep := m.active[:0]
	for _, a := range m.active {
		if a.r1 < row {
			continue
		}
		keep = append(keep, a)
		if row == a.r0 && a.c0 < len(cells) {
			a.value = cells[a.c0]
		}
		if a.value.Kind == Empty {
			continue
		}
		for c := a.c0; c <= a.c1; c++ {
			if row == a.r0 && c == a.c0 {
				continue
			}
			for len(cells) <= c {
				cells = append(cells, Cell{})
			}
			if cells[c].Kind == Empty {
				cells[c] = a.value
			}
		}
	}
	clear(m.active[len(keep):])
	m.active = keep
	return cells
}
