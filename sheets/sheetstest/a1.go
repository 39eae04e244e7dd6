package sheetstest

import (
	"fmt"
	"strconv"
	"strings"
)

// unbounded marks an open end of a range, as in "A:B" or "A5:A".
const unbounded = -1

// a1 is a parsed A1-notation range. Indexes are zero-based; the ends are
// exclusive, or unbounded.
type a1 struct {
	sheet    string // the sheet title, when one was given
	hasSheet bool
	// nameOnly is set for a bare word such as "Subscriptions" or "FX",
	// which names a whole sheet if one has that title and is a cell range
	// on the first sheet otherwise.
	nameOnly bool
	hasCells bool // the cell part parsed
	single   bool // one cell, as in "A1": where a write starts

	r0, c0, r1, c1 int64
}

// parseA1 reads ranges such as "Sheet1!A1:B2", "'My Tab'!A:A", "FX!1:3",
// "Subscriptions" and "A1:D5". In a quoted title, two quotes stand for one
// apostrophe.
func parseA1(s string) (a1, error) {
	var r a1
	bad := &apiError{code: 400, status: statusInvalid, msg: "Unable to parse range: " + s}
	if s == "" {
		return r, bad
	}
	cells := s
	switch {
	case s[0] == '\'':
		title, rest, ok := unquoteTitle(s)
		if !ok {
			return r, bad
		}
		r.sheet, r.hasSheet = title, true
		if rest == "" {
			r.r0, r.c0, r.r1, r.c1 = 0, 0, unbounded, unbounded
			return r, nil
		}
		if rest[0] != '!' {
			return r, bad
		}
		cells = rest[1:]
	case strings.Contains(s, "!"):
		i := strings.LastIndex(s, "!")
		r.sheet, r.hasSheet = s[:i], true
		cells = s[i+1:]
	default:
		r.nameOnly = true
		r.sheet = s
	}
	if err := r.parseCells(cells); err != nil {
		if r.nameOnly {
			// A bare word that is no cell range can only be a sheet name.
			r.r0, r.c0, r.r1, r.c1 = 0, 0, unbounded, unbounded
			return r, nil
		}
		return r, bad
	}
	r.hasCells = true
	return r, nil
}

// unquoteTitle reads a quoted sheet title from the start of s, turning
// each doubled quote into one, and returns it with the rest of s.
func unquoteTitle(s string) (title, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", "", false
}

// parseCells reads the part after the "!": "A1", "A1:B2", "A:B", "1:3",
// "A5:A" or "A:A5".
func (r *a1) parseCells(s string) error {
	start, end, isRange := strings.Cut(s, ":")
	c0, row0, err := parseCellRef(start)
	if err != nil {
		return err
	}
	if !isRange {
		if c0 < 0 || row0 < 0 {
			return fmt.Errorf("single reference %q is not a cell", s)
		}
		r.r0, r.c0, r.r1, r.c1 = row0, c0, row0+1, c0+1
		r.single = true
		return nil
	}
	c1, row1, err := parseCellRef(end)
	if err != nil {
		return err
	}
	// "A1:B" or "1:3": a part left out of one end is open on that side.
	if (c0 < 0) != (c1 < 0) && (row0 < 0 || row1 < 0) {
		return fmt.Errorf("mixed references in %q", s)
	}
	r.c0, r.c1 = max(c0, 0), unbounded
	if c1 >= 0 {
		r.c1 = c1 + 1
	}
	r.r0, r.r1 = max(row0, 0), unbounded
	if row1 >= 0 {
		r.r1 = row1 + 1
	}
	// Google normalises B2:A1 to A1:B2.
	if r.c1 != unbounded && r.c1 <= r.c0 {
		r.c0, r.c1 = r.c1-1, r.c0+1
	}
	if r.r1 != unbounded && r.r1 <= r.r0 {
		r.r0, r.r1 = r.r1-1, r.r0+1
	}
	return nil
}

// parseCellRef reads "B12", "B" or "12" into zero-based column and row
// indexes; a part that is absent is -1.
func parseCellRef(s string) (col, row int64, err error) {
	i := 0
	col, row = -1, -1
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	if i > 0 {
		if i > 3 { // ZZZ is the last column Sheets has
			return 0, 0, fmt.Errorf("column %q out of range", s[:i])
		}
		col = columnIndex(s[:i])
	}
	if i < len(s) {
		n, err := strconv.ParseInt(s[i:], 10, 64)
		if err != nil || n < 1 || s[i] == '+' || s[i] == '-' {
			return 0, 0, fmt.Errorf("bad row in %q", s)
		}
		row = n - 1
	}
	if col < 0 && row < 0 {
		return 0, 0, fmt.Errorf("empty reference")
	}
	return col, row, nil
}

func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }

// columnIndex turns "A" into 0, "Z" into 25 and "AA" into 26.
func columnIndex(letters string) int64 {
	var n int64
	for i := 0; i < len(letters); i++ {
		c := letters[i] | 0x20 // lower case
		n = n*26 + int64(c-'a'+1)
	}
	return n - 1
}

// columnName turns 0 into "A" and 26 into "AA".
func columnName(i int64) string {
	var buf [8]byte
	n := len(buf)
	for i++; i > 0 && n > 0; i = (i - 1) / 26 {
		n--
		buf[n] = byte('A' + (i-1)%26)
	}
	return string(buf[n:])
}

// quoteTitle writes a sheet title the way Google writes it in a range:
// bare when it is a plain word, quoted otherwise.
func quoteTitle(title string) string {
	plain := title != "" && !('0' <= title[0] && title[0] <= '9')
	for i := 0; plain && i < len(title); i++ {
		c := title[i]
		plain = isLetter(c) || '0' <= c && c <= '9' || c == '_'
	}
	if plain {
		// "A1" or "AB12" would read as a cell, not a sheet.
		if _, _, err := parseCellRef(title); err == nil && strings.ContainsAny(title, "0123456789") {
			plain = false
		}
	}
	if plain {
		return title
	}
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// formatA1 writes a bounded range as Google reports it: "Sheet1!A1" for a
// cell, "Sheet1!A1:B2" otherwise.
func formatA1(title string, r0, c0, r1, c1 int64) string {
	start := columnName(c0) + strconv.FormatInt(r0+1, 10)
	if r1 == r0+1 && c1 == c0+1 {
		return quoteTitle(title) + "!" + start
	}
	return quoteTitle(title) + "!" + start + ":" + columnName(c1-1) + strconv.FormatInt(r1, 10)
}
