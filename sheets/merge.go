package sheets

import (
	"cmp"
	"slices"
)

// MergedArea is a range of merged cells: rows FirstRow through LastRow as
// the sheet numbers them (the first row is 1), zero-based columns
// FirstCol through LastCol, all inclusive.
type MergedArea struct {
	FirstRow, LastRow, FirstCol, LastCol int

	value Cell // the top-left cell, once read
}

// Merges fills in the cells that merged ranges cover, for a [RowReader]
// over a sheet that has them. A spreadsheet keeps a merged range's value
// in its top-left cell only and shows it across the range: a Customer ID
// merged over three rows is, to the person who merged it, the customer of
// each of them, so it is read as such.
type Merges struct {
	areas  []MergedArea // by first row
	next   int          // the first area not yet started
	active []*MergedArea
}

// NewMerges returns a filler for the merged areas, which it sorts.
func NewMerges(areas []MergedArea) *Merges {
	slices.SortFunc(areas, func(a, b MergedArea) int { return cmp.Compare(a.FirstRow, b.FirstRow) })
	return &Merges{areas: areas}
}

// Fill fills in row's cells that a merged area covers, below or beside its
// top-left cell, and returns the cells. Rows come in order. A nil Merges
// fills nothing.
func (m *Merges) Fill(row int, cells []Cell) []Cell {
	if m == nil || len(m.areas) == 0 {
		return cells
	}
	for m.next < len(m.areas) && m.areas[m.next].FirstRow <= row {
		m.active = append(m.active, &m.areas[m.next])
		m.next++
	}
	keep := m.active[:0]
	for _, a := range m.active {
		if a.LastRow < row {
			continue
		}
		keep = append(keep, a)
		if row == a.FirstRow && a.FirstCol < len(cells) {
			a.value = cells[a.FirstCol]
		}
		if a.value.Kind == Empty {
			continue
		}
		for c := a.FirstCol; c <= a.LastCol; c++ {
			if row == a.FirstRow && c == a.FirstCol {
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
