package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// This file is the workbook sink: it writes the bot's tabs into a local
// .xlsx file the way the Google sink writes them into a spreadsheet.
//
// The rules that keep a person's work safe:
//
//   - The bot owns a tab only when its hidden ledger tab (_mrrbot) says so:
//     a row "tab:<role>" holding the tab's title. A tab with one of the
//     bot's names that is not recorded there is a person's, and the write
//     stops with a *TabConflictError before anything is written.
//   - No other tab is written. excelize parses a worksheet only when it is
//     asked about it, and copies every worksheet it never parsed byte for
//     byte; so this file never asks about a tab that is not the bot's, and
//     avoids the few excelize calls that parse every worksheet
//     (SetSheetVisible, SetActiveSheet, DeleteSheet, MoveSheet). A bot tab
//     is emptied by giving it a fresh worksheet part (parts.go).
//   - A person's tab is copied into the new file as it was stored; the
//     zip writer checks that excelize wrote it unchanged (rawzip.go).
//   - The file is replaced atomically: the workbook is written to a
//     temporary file beside it, synced, and renamed over it. On any error
//     the file is left as it was.

// WriteOptions are the optional parts of a workbook write.
type WriteOptions struct {
	// Ledger holds key/value entries to keep in the workbook's hidden
	// _mrrbot tab, such as the Slack posting ledger. They are added to the
	// entries already there, replacing those with the same key; entries
	// the write does not set are kept. Keys starting with "tab:" are the
	// bot's tab records and cannot be set here.
	Ledger map[string]string
	// Delete names ledger entries to remove, such as a Slack claim given
	// back after a failed post. It applies after Ledger; a key that is not
	// there is ignored, and the "tab:" records cannot be deleted here.
	Delete []string
	// MemoryLimit is the memory the process may use, in bytes (its
	// GOMEMLIMIT); 0 means none. A write whose tabs would take more (see
	// [ErrTooMuchToWrite]) is refused before the workbook is opened.
	MemoryLimit int64
}

// ledgerTab is the hidden tab that records which tabs are the bot's and
// holds the ledger entries of [WriteOptions.Ledger].
const ledgerTab = "_mrrbot"

// tabKeyPrefix starts the ledger key that records the title of the bot's
// tab of a role: "tab:summary".
const tabKeyPrefix = "tab:"

// maxPatternLen is the longest number format code Excel accepts.
const maxPatternLen = 255

// Write writes tabs into the .xlsx workbook at path and records
// them as the bot's in its hidden _mrrbot tab, together with opts.Ledger.
//
// A tab the bot wrote before (found by its role, so a new title renames
// it) is replaced whole where it stands; another is added after the last
// tab. The bot knows its tabs by the titles it recorded: a person who
// renames one makes it theirs, and the next write adds a new one. If a tab
// with one of the titles exists and is not the bot's, the error is a
// *TabConflictError and nothing is written. Every tab that is not the
// bot's is left exactly as it was.
//
// Cells are written by kind: Text as a string (never a formula, even when
// it starts with "="), Number from its literal with its column's number
// format (date serials shifted to the workbook's date system when it uses
// the 1904 one), Bool as a boolean; Empty cells are left blank. The header
// row is bold; Chart, FrozenRows, Hidden, ColorScales and the column widths
// are applied.
//
// The file is replaced atomically and keeps its permissions; on error it is
// left untouched.
//
// The write holds the workbook's lock (path + ".mrrbot.lock", the lock of
// [Ledger]) from reading the workbook to renaming the new file over
// it, so that a concurrent write, such as a Slack claim in the posting
// ledger, waits for it and is never lost: each write starts from the
// last. Under the lock it also removes the temporary files that a write
// killed part way left beside the workbook.
func Write(path string, tabs []sheets.Tab, opts WriteOptions) (*sheets.WriteResult, error) {
	if err := checkTabs(tabs, opts); err != nil {
		return nil, fmt.Errorf("write workbook %s: %w", path, err)
	}
	if err := checkWriteMemory(tabs, opts.MemoryLimit); err != nil {
		return nil, fmt.Errorf("write workbook %s: %w", path, err)
	}
	// Replace the file a symbolic link points to, not the link.
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("write workbook %s: %w", path, err)
	}
	unlock, err := lockWorkbook(context.Background(), target)
	if err != nil {
		return nil, fmt.Errorf("write workbook %s: %w", path, err)
	}
	defer unlock()
	return writeLocked(path, target, tabs, opts)
}

// writeLocked is Write of the file target (path, its symbolic
// links followed) for a caller that holds its lock and has checked tabs
// and opts.
func writeLocked(path, target string, tabs []sheets.Tab, opts WriteOptions) (*sheets.WriteResult, error) {
	removeLeftovers(target)
	info, err := os.Stat(target)
	if err != nil {
		return nil, fmt.Errorf("write workbook %s: %w", path, err)
	}
	// The zip's directory is read once: for its size, for the tabs
	// excelize is given a stand-in for, and for the parts copied as stored.
	x, err := openZip(target)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	standIns := x.standInParts()
	f, err := openExcel(x, info.Size(), standIns)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	res, persons, rows, err := updateWorkbook(f.File, tabs, opts)
	if err != nil {
		return nil, fmt.Errorf("write workbook %s: %w", path, err)
	}
	// A person's tab is copied from the workbook as it is stored, not
	// compressed again (see rawZip).
	copied := make(map[string]*zip.File)
	for _, zf := range x.zr.File {
		if persons[zf.Name] {
			copied[zf.Name] = zf
		}
	}
	parsed := func(name string) bool { _, ok := f.Sheet.Load(name); return ok }
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		z := newRawZip(w, copied, standIns, parsed)
		z.rows = rows
		return z
	})
	if err := replaceFile(target, info.Mode().Perm(), func(w io.Writer) error { return f.Write(w) }); err != nil {
		return nil, fmt.Errorf("write workbook %s: %w", path, err)
	}
	return res, nil
}

// ReadLedger returns every key/value entry of the hidden _mrrbot
// tab of the workbook at path: the bot's tab records ("tab:summary" → the
// tab's title) and the entries stored through [WriteOptions.Ledger]. A
// workbook the bot never wrote has none: the map is empty.
//
// It streams the workbook rather than opening it whole, since a claim in
// the posting ledger reads it under the workbook's lock.
func ReadLedger(path string) (map[string]string, error) {
	x, err := openZip(path)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	return x.ledger()
}

// ledger returns the entries of the workbook's _mrrbot tab.
func (x *zipBook) ledger() (map[string]string, error) {
	path := x.path
	entries := make(map[string]string)
	sheet, ok := sheets.FindTab(x.tabNames(), ledgerTab)
	if !ok {
		return entries, nil
	}
	r, err := x.tab(sheet)
	if err != nil {
		return nil, fmt.Errorf("read tab %q of %s: %w", ledgerTab, path, err)
	}
	defer r.close()
	for {
		_, cells, err := r.Next()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read tab %q of %s: %w", ledgerTab, path, err)
		}
		if len(cells) == 0 || cells[0].Text == "" {
			continue
		}
		v := ""
		if len(cells) > 1 {
			v = cells[1].Text
		}
		entries[cells[0].Text] = v
	}
}

// checkTabs rejects what no workbook could hold, before the file is opened.
func checkTabs(tabs []sheets.Tab, opts WriteOptions) error {
	names := make(map[string]bool, len(tabs))
	roles := make(map[string]bool, len(tabs))
	for i := range tabs {
		t := &tabs[i]
		if err := checkTabName(t.Name); err != nil {
			return err
		}
		folded := strings.ToLower(t.Name)
		if folded == ledgerTab {
			return fmt.Errorf("tab %q: the name is mrrbot's own hidden tab; pick another", t.Name)
		}
		if names[folded] {
			return fmt.Errorf("tab %q: two tabs have this name", t.Name)
		}
		names[folded] = true
		if t.Role == "" {
			return fmt.Errorf("tab %q: no role", t.Name)
		}
		if roles[t.Role] {
			return fmt.Errorf("tab %q: two tabs have the role %q", t.Name, t.Role)
		}
		roles[t.Role] = true
		if err := checkTabContent(t); err != nil {
			return fmt.Errorf("tab %q: %w", t.Name, err)
		}
	}
	for _, k := range slices.Concat(slices.Collect(maps.Keys(opts.Ledger)), opts.Delete) {
		if k == "" || strings.HasPrefix(k, tabKeyPrefix) {
			return fmt.Errorf("ledger key %q is reserved for mrrbot's tab records", k)
		}
	}
	return nil
}

// checkTabName applies the spreadsheet's rules for tab titles.
func checkTabName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("a tab has no name")
	case len(utf16.Encode([]rune(name))) > excelize.MaxSheetNameLength:
		return fmt.Errorf("tab %q: the name is longer than %d characters", name, excelize.MaxSheetNameLength)
	case strings.ContainsAny(name, `:\/?*[]`):
		return fmt.Errorf(`tab %q: the name contains one of : \ / ? * [ ]`, name)
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return fmt.Errorf("tab %q: the name starts or ends with an apostrophe", name)
	}
	return nil
}

// checkTabContent checks t against what a workbook's tab holds, then its
// cells, formats, chart and colour scales ([sheets.Tab.Check]).
func checkTabContent(t *sheets.Tab) error {
	if len(t.Rows)+1 > maxSheetRows {
		return fmt.Errorf("%d rows and the header are more than a spreadsheet tab holds (%d)", len(t.Rows), maxSheetRows)
	}
	if len(t.Columns) > maxSheetCols {
		return fmt.Errorf("%d columns are more than a spreadsheet tab holds (%d)", len(t.Columns), maxSheetCols)
	}
	for _, c := range t.Columns {
		if len(c.Pattern) > maxPatternLen {
			return fmt.Errorf("column %q: number format is longer than %d characters", c.Title, maxPatternLen)
		}
	}
	return t.Check()
}

// tabPlan is what the write does to one of tabs.
type tabPlan struct {
	tab *sheets.Tab
	// sheet is the bot's existing tab for the role, "" for a new tab.
	sheet string
}

// updateWorkbook writes tabs and the ledger entries of opts into f, in
// memory. It returns the parts that hold a person's tabs, which it left
// alone, and the bot's tabs' rows to write as the workbook is saved.
func updateWorkbook(f *excelize.File, tabs []sheets.Tab, opts WriteOptions) (*sheets.WriteResult, map[string]bool, map[string]*rowsPart, error) {
	entries, ledgerSheet, err := readLedger(f)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read tab %q: %w", ledgerTab, err)
	}
	titles := f.GetSheetList()
	// A record whose tab is gone is dropped: a person may later create a
	// tab with that title, and it would be theirs.
	for k, title := range entries {
		if strings.HasPrefix(k, tabKeyPrefix) {
			if _, ok := sheets.FindTab(titles, title); !ok {
				delete(entries, k)
			}
		}
	}
	plans, err := planTabs(titles, entries, tabs)
	if err != nil {
		return nil, nil, nil, err
	}
	parts, dropped, err := resetBotSheets(f, plans, ledgerSheet)
	if err != nil {
		return nil, nil, nil, err
	}
	bots := map[string]bool{ledgerSheet: true}
	for _, p := range plans {
		bots[p.sheet] = true
	}
	persons := make(map[string]bool)
	for _, s := range f.WorkBook.Sheets.Sheet {
		if part, ok := parts.sheets[s.ID]; ok && !bots[s.Name] {
			persons[part] = true
		}
	}
	w, err := newTabWriter(f)
	if err != nil {
		return nil, nil, nil, err
	}
	states := make(map[string]string)
	res, err := writePlans(f, w, plans, entries, states)
	if err != nil {
		return nil, nil, nil, err
	}

	maps.Copy(entries, opts.Ledger)
	for _, k := range opts.Delete {
		delete(entries, k)
	}
	if ledgerSheet == "" {
		ledgerSheet = ledgerTab
		if _, err := f.NewSheet(ledgerSheet); err != nil {
			return nil, nil, nil, fmt.Errorf("tab %q: %w", ledgerSheet, err)
		}
	}
	if err := w.writeLedger(ledgerSheet, entries); err != nil {
		return nil, nil, nil, fmt.Errorf("tab %q: %w", ledgerSheet, err)
	}
	states[ledgerSheet] = "veryHidden"
	if err := setStates(f, states); err != nil {
		return nil, nil, nil, err
	}
	if err := parts.dropOverrides(dropped); err != nil {
		return nil, nil, nil, err
	}
	return res, persons, w.rows, nil
}

// resetBotSheets gives the bot's existing tabs, and its ledger tab,
// fresh worksheet parts before excelize parses anything about them. It
// returns the workbook's package and the parts no tab uses any more.
func resetBotSheets(f *excelize.File, plans []tabPlan, ledgerSheet string) (*pkg, []string, error) {
	parts, err := newPackage(f)
	if err != nil {
		return nil, nil, err
	}
	var dropped []string
	for _, p := range plans {
		if p.sheet != "" {
			d, err := parts.resetSheet(p.sheet, p.tab.Chart != nil && len(p.tab.Rows) > 0)
			if err != nil {
				return nil, nil, fmt.Errorf("tab %q: %w", p.sheet, err)
			}
			dropped = append(dropped, d...)
		}
	}
	if ledgerSheet != "" {
		if _, err := parts.resetSheet(ledgerSheet, false); err != nil {
			return nil, nil, fmt.Errorf("tab %q: %w", ledgerSheet, err)
		}
	}
	return parts, dropped, nil
}

// writePlans writes each planned tab: a new one added, a bot's tab
// renamed when its title changed, and its cells written. It records the
// tabs' titles by role in entries and their visibility in states.
func writePlans(f *excelize.File, w *tabWriter, plans []tabPlan, entries, states map[string]string) (*sheets.WriteResult, error) {
	res := &sheets.WriteResult{}
	for _, p := range plans {
		t := p.tab
		switch {
		case p.sheet == "":
			if _, err := f.NewSheet(t.Name); err != nil {
				return nil, fmt.Errorf("tab %q: %w", t.Name, err)
			}
			res.Created = append(res.Created, t.Name)
		case p.sheet != t.Name:
			// excelize renames the tab in the workbook and its defined
			// names only; no worksheet is parsed.
			if err := f.SetSheetName(p.sheet, t.Name); err != nil {
				return nil, fmt.Errorf("tab %q: rename to %q: %w", p.sheet, t.Name, err)
			}
			fallthrough
		default:
			res.Updated = append(res.Updated, t.Name)
		}
		if err := w.write(t); err != nil {
			return nil, fmt.Errorf("tab %q: %w", t.Name, err)
		}
		entries[tabKeyPrefix+t.Role] = t.Name
		states[t.Name] = ""
		if t.Hidden {
			states[t.Name] = "hidden"
		}
	}
	return res, nil
}

// planTabs decides, for each tab, which existing tab it replaces, and finds
// the tabs in the way.
func planTabs(titles []string, entries map[string]string, tabs []sheets.Tab) ([]tabPlan, error) {
	// owner maps a bot tab's title, lower-cased, to its role.
	owner := make(map[string]string)
	for k, title := range entries {
		if role, ok := strings.CutPrefix(k, tabKeyPrefix); ok {
			owner[strings.ToLower(title)] = role
		}
	}
	plans := make([]tabPlan, 0, len(tabs))
	for i := range tabs {
		t := &tabs[i]
		var own string
		if title, ok := entries[tabKeyPrefix+t.Role]; ok {
			own, _ = sheets.FindTab(titles, title)
		}
		if existing, ok := sheets.FindTab(titles, t.Name); ok && !strings.EqualFold(existing, own) {
			if strings.EqualFold(strings.TrimSpace(existing), ledgerTab) {
				return nil, fmt.Errorf("tab %q: the name is mrrbot's own hidden tab; pick another", t.Name)
			}
			if role, ok := owner[strings.ToLower(existing)]; ok {
				return nil, fmt.Errorf("tab %q is mrrbot's %s tab; pick another name for its %s tab", existing, role, t.Role)
			}
			return nil, &sheets.TabConflictError{Tab: existing, Role: t.Role}
		}
		plans = append(plans, tabPlan{tab: t, sheet: own})
	}
	return plans, nil
}

// readLedger returns the entries of the ledger tab of f and its title, ""
// when f has none.
func readLedger(f *excelize.File) (map[string]string, string, error) {
	entries := make(map[string]string)
	sheet, ok := sheets.FindTab(f.GetSheetList(), ledgerTab)
	if !ok {
		return entries, "", nil
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, "", err
	}
	for _, row := range rows {
		if len(row) == 0 || row[0] == "" {
			continue
		}
		v := ""
		if len(row) > 1 {
			v = row[1]
		}
		entries[row[0]] = v
	}
	return entries, sheet, nil
}

// setStates sets the visibility of tabs by title: "" (visible), "hidden"
// or "veryHidden" (hidden from the spreadsheet's own list of hidden tabs).
//
// excelize's SetSheetVisible parses every worksheet of the workbook to see
// which is selected, which would rewrite the tabs that are not the bot's;
// the state is an attribute of the workbook part alone, so it is set there.
// The active tab is never hidden, nor the last visible one: a spreadsheet
// needs a visible tab to open on.
func setStates(f *excelize.File, states map[string]string) error {
	if f.WorkBook == nil {
		return errors.New("the workbook part was not read")
	}
	list := f.WorkBook.Sheets.Sheet
	active := f.GetActiveSheetIndex()
	visible := 0
	for i := range list {
		s := list[i].State
		if want, ok := states[list[i].Name]; ok {
			s = want
		}
		if s == "" || s == "visible" {
			visible++
		}
	}
	for i := range list {
		want, ok := states[list[i].Name]
		if !ok {
			continue
		}
		if want != "" && (i == active || visible == 0) {
			want = ""
			visible++
		}
		list[i].State = want
	}
	return nil
}

// tabWriter writes tabs into a workbook, sharing the styles it creates.
type tabWriter struct {
	f        *excelize.File
	date1904 bool
	bold     int
	styles   map[cellStyle]int
	// rows are the tabs' rows to write into their parts as the workbook
	// is saved, by part (see [tabWriter.appendRows]).
	rows map[string]*rowsPart
}

// rowsPart is a bot tab's part whose rows are written as the workbook is
// saved: excelize holds stub, the part with the header only, and rawZip
// writes the part with the rows in its place.
type rowsPart struct {
	stub []byte
	// write writes the part with its rows.
	write func(io.Writer) error
}

// cellStyle is what the writer sets of a cell's style: its number format
// pattern, and whether its text wraps.
type cellStyle struct {
	pattern string
	wrap    bool
}

func newTabWriter(f *excelize.File) (*tabWriter, error) {
	w := &tabWriter{f: f, styles: make(map[cellStyle]int), rows: make(map[string]*rowsPart)}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		w.date1904 = *props.Date1904
	}
	// The header is the workbook's own font in bold: a font that names
	// no typeface is drawn in whatever the application falls back to, a
	// serif in LibreOffice, wider than the column was made for.
	font := &excelize.Font{Bold: true}
	if st, err := f.GetStyle(0); err == nil && st.Font != nil {
		font.Family, font.Size = st.Font.Family, st.Font.Size
	}
	bold, err := f.NewStyle(&excelize.Style{Font: font})
	if err != nil {
		return nil, fmt.Errorf("create the header style: %w", err)
	}
	w.bold = bold
	return w, nil
}

// style returns the style of cells shown with pattern (Number cells; ""
// for none) and, with wrap, wrapped onto several lines.
func (w *tabWriter) style(pattern string, wrap bool) (int, error) {
	key := cellStyle{pattern, wrap}
	if id, ok := w.styles[key]; ok {
		return id, nil
	}
	st := &excelize.Style{}
	if pattern != "" {
		st.CustomNumFmt = &pattern
	}
	if wrap {
		st.Alignment = &excelize.Alignment{WrapText: true}
	}
	id, err := w.f.NewStyle(st)
	if err != nil {
		return 0, fmt.Errorf("number format %q: %w", pattern, err)
	}
	w.styles[key] = id
	return id, nil
}

// defaultPattern is the number format of a Number cell whose column has no
// pattern, by the cell's format.
func defaultPattern(f sheets.Format) string {
	switch f {
	case sheets.FormatDate:
		return "yyyy-mm-dd"
	case sheets.FormatPercent:
		return "0.00%"
	case sheets.FormatCurrency:
		return "#,##0.00"
	}
	return ""
}

// write fills the empty tab t.Name with t. Its columns, header, frozen
// rows, chart and colour scales go through excelize's model of the tab;
// its rows are then written into the tab's part as XML (see
// [tabWriter.appendRows]): excelize's model takes about 650 bytes of
// memory a cell, and a tab of a million rows would not fit.
func (w *tabWriter) write(t *sheets.Tab) error {
	f, sheet := w.f, t.Name
	colStyles := make([]int, len(t.Columns))
	for i, col := range t.Columns {
		letter := sheets.ColumnLetter(i)
		if col.Width > 0 {
			if err := f.SetColWidth(sheet, letter, letter, columnWidth(col.Width)); err != nil {
				return fmt.Errorf("column %q: %w", col.Title, err)
			}
		}
		// The column's style formats the cells a person adds too.
		if col.Pattern != "" || col.Wrap {
			id, err := w.style(col.Pattern, col.Wrap)
			if err != nil {
				return fmt.Errorf("column %q: %w", col.Title, err)
			}
			if err := f.SetColStyle(sheet, letter, id); err != nil {
				return fmt.Errorf("column %q: %w", col.Title, err)
			}
			colStyles[i] = id
		}
	}
	for i, col := range t.Columns {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := w.text(sheet, ref, col.Title); err != nil {
			return fmt.Errorf("header %q: %w", col.Title, err)
		}
	}
	if n := len(t.Columns); n > 0 {
		last, _ := excelize.CoordinatesToCellName(n, 1)
		if err := f.SetCellStyle(sheet, "A1", last, w.bold); err != nil {
			return fmt.Errorf("header: %w", err)
		}
	}
	if t.FrozenRows > 0 {
		top, _ := excelize.CoordinatesToCellName(1, t.FrozenRows+1)
		if err := f.SetPanes(sheet, &excelize.Panes{
			Freeze: true, YSplit: t.FrozenRows, TopLeftCell: top, ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}},
		}); err != nil {
			return fmt.Errorf("freeze rows: %w", err)
		}
	}
	if t.Chart != nil && len(t.Rows) > 0 {
		if err := w.chart(t); err != nil {
			return fmt.Errorf("chart: %w", err)
		}
	}
	for i := range t.ColorScales {
		if err := w.colorScale(sheet, &t.ColorScales[i]); err != nil {
			return fmt.Errorf("colour scale %d: %w", i+1, err)
		}
	}
	return w.appendRows(t, colStyles)
}

// colorScale adds s to the tab as a colour scale rule. The tab is fresh
// (see resetSheet), so a rewrite replaces the rules rather than adding to
// them.
func (w *tabWriter) colorScale(sheet string, s *sheets.ColorScale) error {
	if s.Empty() {
		return nil
	}
	// Rows below the header: row index 0 is the spreadsheet's row 2.
	first, _ := excelize.CoordinatesToCellName(s.FirstColumn+1, s.FirstRow+2)
	last, _ := excelize.CoordinatesToCellName(s.LastColumn+1, s.LastRow+2)
	value := func(v string) string { lit, _ := sheets.NumberLiteral(v); return lit }
	color := func(c string) string { return strings.ToUpper(strings.TrimPrefix(c, "#")) }
	opt := excelize.ConditionalFormatOptions{
		Type: "2_color_scale", Criteria: "=",
		MinType: "num", MinValue: value(s.Min), MinColor: color(s.Low),
		MaxType: "num", MaxValue: value(s.Max), MaxColor: color(s.High),
	}
	if s.HasMid() {
		opt.Type, opt.MidType, opt.MidValue, opt.MidColor = "3_color_scale", "num", value(s.Mid), color(s.MidColor)
	}
	return w.f.SetConditionalFormat(sheet, first+":"+last, []excelize.ConditionalFormatOptions{opt})
}

// appendRows has the rows of t, which excelize holds with its header
// only, written into the tab's part as the workbook is saved. excelize's
// model of the tab is encoded as excelize would encode it when saving,
// and handed back to excelize as bytes (the stub) that it copies into the
// saved workbook as they are, as it does every tab it never parsed; the
// zip writer (rawZip) writes the part with the rows in their place,
// streaming them from t, so that they are never held as XML.
//
// Cells are written as excelize wrote them one by one before: a Number
// from its exact literal with its column's style (or, in a column with no
// pattern, the default pattern of its format), a Bool as a boolean, Text
// as an inline string, never a formula nor a number; Empty cells and
// empty texts are left out.
func (w *tabWriter) appendRows(t *sheets.Tab, colStyles []int) error {
	if len(t.Rows) == 0 {
		return nil
	}
	part, err := w.sheetPart(t.Name)
	if err != nil {
		return err
	}
	ws, ok := w.f.Sheet.Load(part)
	if !ok {
		return errors.New("the tab's part was not read")
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(ws); err != nil {
		return err
	}
	// The worksheet with its header, as excelize saves it: its root with
	// the namespaces of the part it was read from (the fresh part of
	// resetSheet, or excelize's own for a new tab), and relationship ids
	// in the r: prefix.
	stub := buf.Bytes()
	stub = bytes.Replace(stub, []byte(`xmlns="`+excelize.NameSpaceSpreadSheet.Value+`">`), []byte(worksheetNamespaces), 1)
	stub = bytes.ReplaceAll(stub, []byte(`xmlns:relationships="`+excelize.SourceRelationship.Value+`" relationships`), []byte("r"))
	end := bytes.Index(stub, []byte("</sheetData>"))
	if end < 0 {
		return errors.New("the tab has no sheetData")
	}
	// The styles of the cells are made now: the workbook's styles are
	// saved before its tabs.
	for _, row := range t.Rows {
		for c, cell := range row {
			if col := t.Columns[c]; cell.Kind == sheets.Number && col.Pattern == "" {
				if p := defaultPattern(shownFormat(cell, col)); p != "" {
					if _, err := w.style(p, col.Wrap); err != nil {
						return err
					}
				}
			}
		}
	}
	w.f.Sheet.Delete(part)
	w.f.Pkg.Store(part, stub)
	w.rows[part] = &rowsPart{stub: stub, write: func(out io.Writer) error {
		if _, err := out.Write(stub[:end]); err != nil {
			return err
		}
		if err := w.writeRowsXML(out, t, colStyles); err != nil {
			return err
		}
		_, err := out.Write(stub[end:])
		return err
	}}
	return nil
}

// shownFormat is the number format a Number cell is shown with: its own,
// or its column's.
func shownFormat(c sheets.Cell, col sheets.TabColumn) sheets.Format {
	if c.Format == sheets.FormatNone {
		return col.Format
	}
	return c.Format
}

// worksheetNamespaces ends the start tag of a worksheet written by
// appendRows.
const worksheetNamespaces = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`

// sheetPart returns the part that holds the tab named sheet.
func (w *tabWriter) sheetPart(sheet string) (string, error) {
	var rid string
	for _, s := range w.f.WorkBook.Sheets.Sheet {
		if s.Name == sheet {
			rid = s.ID
		}
	}
	if rid == "" {
		return "", errors.New("the workbook does not list the tab")
	}
	p, err := newPackage(w.f)
	if err != nil {
		return "", err
	}
	// excelize holds the workbook's relationships parsed once it has
	// added a tab; they are read from there when they are.
	if v, ok := w.f.Relationships.Load(relsName(p.book)); ok {
		data, err := xml.Marshal(v)
		if err != nil {
			return "", err
		}
		var doc xmlRels
		if err := xml.Unmarshal(data, &doc); err != nil {
			return "", err
		}
		for _, r := range doc.Rels {
			if r.ID == rid {
				return resolvePart(p.book, r.Target), nil
			}
		}
		return "", errors.New("the workbook does not say which part holds the tab")
	}
	part, ok := p.sheets[rid]
	if !ok {
		return "", errors.New("the workbook does not say which part holds the tab")
	}
	return part, nil
}

// writeRowsXML writes the rows of t to out as sheetData's XML.
func (w *tabWriter) writeRowsXML(out io.Writer, t *sheets.Tab, colStyles []int) error {
	letters := make([]string, len(t.Columns))
	for i := range letters {
		letters[i] = sheets.ColumnLetter(i)
	}
	b := make([]byte, 0, 64<<10)
	for r, row := range t.Rows {
		if len(b) >= 48<<10 {
			if _, err := out.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
		n := strconv.Itoa(r + 2)
		b = append(b, `<row r="`...)
		b = append(b, n...)
		b = append(b, `">`...)
		for c, cell := range row {
			col := t.Columns[c]
			style := colStyles[c]
			var kind, value string
			switch cell.Kind {
			case sheets.Text:
				if cell.Text == "" {
					continue
				}
				kind, value = "inlineStr", cell.Text
			case sheets.Bool:
				// The tab was checked: the text is TRUE or FALSE, in any case.
				kind, value = "b", "0"
				if strings.EqualFold(cell.Text, "TRUE") {
					value = "1"
				}
			case sheets.Number:
				lit, err := w.literal(cell, col)
				if err != nil {
					return fmt.Errorf("row %d, column %q: %w", r+2, col.Title, err)
				}
				value = lit
				if col.Pattern == "" {
					if p := defaultPattern(shownFormat(cell, col)); p != "" {
						// Made by appendRows.
						id, ok := w.styles[cellStyle{p, col.Wrap}]
						if !ok {
							return fmt.Errorf("row %d, column %q: no style for %q", r+2, col.Title, p)
						}
						style = id
					}
				}
			default:
				continue
			}
			b = appendCellXML(b, letters[c], n, style, kind, value)
		}
		b = append(b, `</row>`...)
	}
	_, err := out.Write(b)
	return err
}

// appendCellXML appends a cell of sheetData: the cell of column col (its
// letters) in row (its number), with the style style (0: none) and the
// type kind ("" a number, "b" a boolean, "inlineStr" an inline string),
// holding value: an inline string's text, or the <v> of the others.
func appendCellXML(b []byte, col, row string, style int, kind, value string) []byte {
	b = append(append(append(b, `<c r="`...), col...), row...)
	b = append(b, '"')
	if style != 0 {
		b = strconv.AppendInt(append(b, ` s="`...), int64(style), 10)
		b = append(b, '"')
	}
	if kind != "" {
		b = append(append(append(b, ` t="`...), kind...), '"')
	}
	b = append(b, '>')
	if kind == "inlineStr" {
		b = appendInlineString(b, value)
	} else {
		b = append(append(append(b, `<v>`...), value...), `</v>`...)
	}
	return append(b, `</c>`...)
}

// appendInlineString appends an inline string's element holding s, cut to
// the spreadsheet's limit of a cell's characters, its spaces at either end
// kept.
func appendInlineString(b []byte, s string) []byte {
	if len(s) > excelize.TotalCellChars {
		s = cutUTF16(s, excelize.TotalCellChars)
	}
	b = append(b, `<is><t`...)
	if first, last := s[0], s[len(s)-1]; isXMLSpace(first) || isXMLSpace(last) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendEscaped(b, s)
	return append(b, `</t></is>`...)
}

// cutUTF16 cuts s to at most n UTF-16 units, as spreadsheets count a
// cell's characters.
func cutUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return s
}

// appendEscaped appends s escaped as XML text, as encoding/xml escapes it
// (a character XML cannot hold becomes U+FFFD), but for line feeds and
// tabs, which are kept. Text that spreadsheets would read as an escaped
// character (_x000D_) is escaped itself (_x005F_x000D_), as excelize
// writes it.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '_' && escapedChar(s[i:]):
				b = append(b, "_x005F_"...)
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c == '\r':
				b = append(b, "&#xD;"...)
			case c < 0x20 && c != '\n' && c != '\t':
				b = append(b, "\uFFFD"...)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= 0xFFFE && r <= 0xFFFF || r >= 0xD800 && r <= 0xDFFF {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// escapedChar reports whether s starts with _xHHHH_, a character
// escaped the way spreadsheets escape what XML cannot hold.
func escapedChar(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	n, err := strconv.ParseUint(s[2:6], 16, 16)
	return err == nil && (n < 0xD800 || n > 0xDFFF)
}

// literal returns the literal a Number cell is written with, a date
// shifted to the workbook's date system.
func (w *tabWriter) literal(c sheets.Cell, col sheets.TabColumn) (string, error) {
	lit, err := sheets.NumberLiteral(c.Text)
	if err != nil {
		return "", err
	}
	format := c.Format
	if format == sheets.FormatNone {
		format = col.Format
	}
	if format == sheets.FormatDate && w.date1904 {
		// Serial days of the 1904 date system start 1462 days later.
		d, err := decimal.NewFromString(lit)
		if err != nil {
			return "", fmt.Errorf("%q is not a number", c.Text)
		}
		lit = d.Sub(decimal.NewFromInt(1462)).String()
	}
	return lit, nil
}

// text writes s as a string cell. A string that excelize would take for a
// number goes to the shared strings; any other is stored inline, which
// leaves the workbook's shared strings (and a large source's cost of
// parsing them) alone.
func (w *tabWriter) text(sheet, ref, s string) error {
	if s == "" {
		return nil
	}
	// A string of at most TotalCellChars bytes has at most as many UTF-16
	// units; SetCellStr cuts a longer one to the spreadsheet's limit.
	if _, err := strconv.ParseFloat(s, 64); err == nil || len(s) > excelize.TotalCellChars {
		return w.f.SetCellStr(sheet, ref, s)
	}
	return w.f.SetCellDefault(sheet, ref, s)
}

// columnWidth converts a width in pixels to the spreadsheet's unit, the
// width of a digit of the default font (7 pixels) plus 5 pixels of padding.
func columnWidth(px int) float64 {
	w := float64(max(px-5, 1)) / 7
	return min(float64(int(w*100+0.5))/100, excelize.MaxColumnWidth)
}

// chart draws t.Chart beside the table, its top left corner on row 1.
func (w *tabWriter) chart(t *sheets.Tab) error {
	ch := t.Chart
	sheet := quoteSheet(t.Name)
	last := len(t.Rows) + 1
	ref := func(col, from, to int) string {
		l := sheets.ColumnLetter(col)
		if from == to {
			return fmt.Sprintf("%s!$%s$%d", sheet, l, from)
		}
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", sheet, l, from, l, to)
	}
	var cols, lines, right []excelize.ChartSeries
	for _, s := range ch.Series {
		es := excelize.ChartSeries{
			Name:       ref(s.Column, 1, 1),
			Categories: ref(ch.Domain, 2, last),
			Values:     ref(s.Column, 2, last),
		}
		if s.Color != "" {
			// Checked by checkTab: "#rrggbb".
			es.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(s.Color, "#")}}
		}
		switch {
		case s.Line:
			es.Line = excelize.LineOptions{Width: 2.25}
			es.Marker = excelize.ChartMarker{Symbol: "circle", Size: 5, Fill: es.Fill}
			if s.RightAxis {
				right = append(right, es)
			} else {
				lines = append(lines, es)
			}
		default:
			cols = append(cols, es)
		}
	}
	kind := excelize.Col
	if ch.Stacked {
		kind = excelize.ColStacked
	}
	primary := &excelize.Chart{
		Type:   kind,
		Series: cols,
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: ch.Title}}},
		Legend: excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{
			Width:  uint(ch.Width),
			Height: uint(ch.Height),
		},
		YAxis: excelize.ChartAxis{MajorGridLines: true},
		// Month names below the plot, not on the zero line among the
		// bars that go under it, and slanted, so that two years of them
		// do not run into each other.
		XAxis: excelize.ChartAxis{
			TickLabelPosition: excelize.ChartTickLabelLow,
			Alignment:         excelize.Alignment{TextRotation: -45},
			Font:              axisFont,
		},
	}
	primary.YAxis.Font = axisFont
	// The axes show the numbers as the table does: a spreadsheet that
	// reads the months as dates shows them with the Month column's format.
	if p := t.Columns[ch.Domain].Pattern; p != "" {
		primary.XAxis.NumFmt = excelize.ChartNumFmt{CustomNumFmt: p}
	}
	if p := t.Columns[ch.Series[0].Column].Pattern; p != "" {
		primary.YAxis.NumFmt = excelize.ChartNumFmt{CustomNumFmt: p}
	}
	var combo []*excelize.Chart
	switch {
	case len(cols) == 0:
		primary.Type, primary.Series = excelize.Line, lines
	case len(lines) > 0:
		combo = append(combo, &excelize.Chart{Type: excelize.Line, Series: lines})
	}
	if len(right) > 0 {
		secondary := &excelize.Chart{Type: excelize.Line, Series: right, YAxis: excelize.ChartAxis{Secondary: true, Font: axisFont}}
		if p := t.Columns[firstRight(ch)].Pattern; p != "" {
			secondary.YAxis.NumFmt = excelize.ChartNumFmt{CustomNumFmt: p}
		}
		if primary.Series == nil {
			primary.Type, primary.Series = excelize.Line, right
		} else {
			combo = append(combo, secondary)
		}
	}
	anchor, err := excelize.CoordinatesToCellName(ch.Column+1, 1)
	if err != nil {
		return err
	}
	return w.f.AddChart(t.Name, anchor, primary, combo...)
}

// axisFont is the font of a chart's axes: dark grey, where excelize's
// default grey is too pale to read.
var axisFont = excelize.Font{Color: "595959"}

// firstRight returns the column of ch's first series on the right axis.
func firstRight(ch *sheets.Chart) int {
	for _, s := range ch.Series {
		if s.RightAxis {
			return s.Column
		}
	}
	return ch.Series[0].Column
}

// quoteSheet quotes a tab title for a cell reference, doubling its
// apostrophes.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// writeLedger fills the empty ledger tab with entries, one key/value row
// each, in key order.
func (w *tabWriter) writeLedger(sheet string, entries map[string]string) error {
	for i, k := range slices.Sorted(maps.Keys(entries)) {
		if err := w.text(sheet, "A"+strconv.Itoa(i+1), k); err != nil {
			return err
		}
		if err := w.text(sheet, "B"+strconv.Itoa(i+1), entries[k]); err != nil {
			return err
		}
	}
	return nil
}

// replaceFile replaces the file at path with what write writes, atomically:
// into a temporary file in the same directory, synced, given perm, then
// renamed over path. On error the temporary file is removed and path is
// left as it was.
func replaceFile(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPattern(path))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	buf := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(buf); err != nil {
		return err
	}
	if err := buf.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is done; syncing the directory makes it survive a crash,
	// and a failure to do so does not undo the write.
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync()
		_ = dir.Close()
	}
	return nil
}
