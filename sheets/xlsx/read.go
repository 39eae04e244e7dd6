package xlsx

import (
	"fmt"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
)

// Read reads the subscriptions tab (opts.Tab, or "Subscriptions")
// of the .xlsx workbook at path, and its FX tab when it has one. The FX tab
// is read first: the book needs its rates. Tab names match in any case; a
// workbook with a single tab and no tab named as asked for is read from
// that tab, unless opts.Tab names one. The FX tab may give rates by month
// (see [DecodeFX]); the book breaks MRR down by opts.Segments.
//
// Cells are typed: a number is read from its exact stored literal, and its
// style's number format makes it a date (a serial day), a percentage or a
// plain number. Text cells are read as in [ReadCSV].
//
// The workbook is read a row at a time, straight from the file, so memory
// does not grow with the size of a tab; one that unpacks to more than a
// genuine workbook of its size could (see [ErrTooLarge]) is refused before
// anything is unpacked. No temporary file is made.
func Read(path string, opts sheets.Options) (*sheets.Loaded, error) {
	x, err := openZip(path)
	if err != nil {
		return nil, err
	}
	defer x.Close()

	want := opts.Tab
	if want == "" {
		want = sheets.DefaultTab
	}
	tabs := x.tabNames()
	tab, ok := sheets.FindTab(tabs, want)
	if !ok && opts.Tab == "" && len(tabs) == 1 {
		tab, ok = tabs[0], true
	}
	if !ok {
		return nil, fmt.Errorf("workbook %s has no tab %q (tabs: %s)", path, want, quoteList(tabs))
	}

	// Read the tab as if it had no merged ranges: most have none, and
	// finding them first costs a pass over the tab. One that has some is
	// read again, knowing them.
	l, late, err := x.load(tab, tabs, opts, nil, true)
	if err == nil && len(late) > 0 {
		l, _, err = x.load(tab, tabs, opts, late, false)
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// load reads the workbook's subscriptions from tab, its FX tab and its
// history, as [Read] says. areas are tab's merged ranges; with late, they
// are not known and are returned if the tab has any, and then l is
// incomplete: it must be read again with them.
func (x *zipBook) load(tab string, tabs []string, opts sheets.Options, areas []sheets.MergedArea, late bool) (l *sheets.Loaded, _ []sheets.MergedArea, err error) {
	path := x.path
	l = &sheets.Loaded{}
	if fxTab, ok := sheets.FindTab(tabs, sheets.FXTab); ok && !strings.EqualFold(fxTab, tab) {
		r, err := x.tab(fxTab)
		if err != nil {
			return nil, nil, fmt.Errorf("read tab %q of %s: %w", fxTab, path, err)
		}
		err = l.ReadFX(r, opts)
		r.close()
		if err != nil {
			return nil, nil, fmt.Errorf("read tab %q of %s: %w", fxTab, path, err)
		}
	}
	book, err := l.NewBook(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("read tab %q of %s: %w", sheets.FXTab, path, err)
	}
	if err := book.SetSegments(opts.Segments); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	r, err := x.tabMerged(tab, areas, late)
	if err != nil {
		return nil, nil, fmt.Errorf("read tab %q of %s: %w", tab, path, err)
	}
	defer r.close()
	if err := l.Decode(r, book, opts); err != nil {
		return nil, nil, fmt.Errorf("read tab %q of %s: %w", tab, path, err)
	}
	if late {
		found, err := r.mergedLate()
		if err != nil {
			return nil, nil, fmt.Errorf("read tab %q of %s: %w", tab, path, err)
		}
		if len(found) > 0 {
			return nil, found, nil
		}
	}
	if ht, ok := sheets.FindTab(tabs, sheets.HistoryTabName); ok {
		hr, err := x.tab(ht)
		if err != nil {
			return nil, nil, fmt.Errorf("read tab %q of %s: %w", ht, path, err)
		}
		defer hr.close()
		if l.Books, err = sheets.DecodeHistory(hr); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return l, nil, nil
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// builtinFormat classifies the number formats spreadsheets number without
// spelling them out (ECMA-376 §18.8.30, and the East Asian date formats).
func builtinFormat(id int) sheets.Format {
	switch {
	case id == 9 || id == 10:
		return sheets.FormatPercent
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return sheets.FormatDate
	case id >= 5 && id <= 8, id >= 37 && id <= 44:
		return sheets.FormatCurrency
	case id >= 1 && id <= 4, id >= 11 && id <= 13, id == 48:
		return sheets.FormatNumber
	}
	return sheets.FormatNone
}

// customFormat classifies a number format code such as "yyyy-mm-dd",
// "0.0%" or "[$€-407] #,##0.00". Only the first section (positive numbers)
// counts; quoted text, escaped characters and bracketed codes other than a
// currency are skipped. A code with y, m or d outside them is a date (time
// formats such as h:mm count too: in a date column they still hold a
// serial day).
func customFormat(code string) sheets.Format {
	var date, percent, currency, number bool
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case ';':
			i = len(code)
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++ // the next character is literal, a space's width, or a fill
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				break
			}
			inner := code[i+1 : i+j]
			switch {
			case strings.HasPrefix(inner, "$") && len(inner) > 1 && inner[1] != '-':
				currency = true
			case strings.EqualFold(inner, "h"), strings.EqualFold(inner, "hh"), strings.EqualFold(inner, "m"), strings.EqualFold(inner, "mm"), strings.EqualFold(inner, "s"), strings.EqualFold(inner, "ss"):
				date = true // elapsed time
			}
			i += j
		case '%':
			percent = true
		case 'G', 'g':
			if len(code) >= i+7 && strings.EqualFold(code[i:i+7], "general") {
				i += 6
			}
		case 'y', 'Y', 'd', 'D', 'm', 'M':
			date = true
		case '$':
			currency = true
		case '0', '#', '?':
			number = true
		default:
			if c >= 0x80 && strings.ContainsAny(code[i:min(i+3, len(code))], "€£¥₹") {
				currency = true
			}
		}
	}
	switch {
	case percent:
		return sheets.FormatPercent
	case date:
		return sheets.FormatDate
	case currency:
		return sheets.FormatCurrency
	case number:
		return sheets.FormatNumber
	}
	return sheets.FormatNone
}
