package report

import (
	"math"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"

	"github.com/mrrbot/mrrbot/sheets"
)

// Columns are as wide as what they hold, as a person would drag them: a
// header is never cut off ("Churned Custo" for Churned Customers), and a
// text column is as wide as its longest text, up to maxFitWidth; a column
// that wraps keeps the width it was given. Text is measured in the Go
// fonts, whose letters are as wide as Arial's (a Google spreadsheet's
// default font) and a little wider than Calibri's (a workbook's), at 10
// points: what fits in the one fits in the others.
const (
	fitFontSize = 10 * 96 / 72.0 // 10 points in pixels
	fitPadding  = 14             // pixels around the text, inside the cell
	maxFitWidth = 320
)

// fitColumns widens each column of t that is too narrow for its header, or,
// for a column of text that does not wrap, for its longest text.
func fitColumns(t *sheets.Tab) {
	adv := textAdvances()
	for i := range t.Columns {
		c := &t.Columns[i]
		c.Width = max(c.Width, adv.width(c.Title, true)+fitPadding)
		if c.Wrap || c.Format != sheets.FormatNone {
			continue
		}
		for _, row := range t.Rows {
			if c.Width >= maxFitWidth {
				break
			}
			if i < len(row) && row[i].Kind == sheets.Text {
				c.Width = max(c.Width, min(maxFitWidth, adv.width(row[i].Text, false)+fitPadding))
			}
		}
	}
}

// advances are the widths of the printable ASCII characters in pixels,
// regular and bold.
type advances struct {
	regular, bold [utf8.RuneSelf]float64
}

// textAdvances measures the Go fonts once. They are part of the program,
// so they always parse; were they not to, every character would count as
// wide as an "m".
var textAdvances = sync.OnceValue(func() *advances {
	a := &advances{}
	fonts, err := chartFonts()
	for i, f := range []*opentype.Font{fonts[0], fonts[1]} {
		table := &a.regular
		if i == 1 {
			table = &a.bold
		}
		var face font.Face
		if err == nil {
			face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: fitFontSize, DPI: 72})
		}
		for r := range table {
			table[r] = fitFontSize * 0.85
			if err != nil {
				continue
			}
			if w, ok := face.GlyphAdvance(rune(r)); ok {
				table[r] = float64(w) / 64
			}
		}
	}
	return a
})

// width returns the width of s in pixels, rounded up. A character beyond
// ASCII counts as an "n" (an accented letter), or as a whole em when it is
// a wide East Asian one.
func (a *advances) width(s string, bold bool) int {
	table := &a.regular
	if bold {
		table = &a.bold
	}
	w := 0.0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			w += table[r]
		case unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana):
			w += fitFontSize
		default:
			w += table['n']
		}
	}
	return int(math.Ceil(w))
}
