package xlsx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// This file is the part of the workbook sink that works on the workbook's
// package (the zip of XML parts) below excelize's API, through the parts
// excelize holds in memory (File.Pkg) before it parses them. It gives a
// bot tab a fresh, empty worksheet part before the tab is written, which
// excelize has no call for: its calls that delete or clear a tab parse
// every other worksheet too, and so rewrite the tabs that are a person's.

// Relationship types the sink follows, by the end of their URIs (the
// transitional and the strict schemas differ before it).
const (
	relTypeOfficeDocument = "/officeDocument"
	relTypeDrawing        = "/drawing"
	relTypeChart          = "/chart"
)

// freshSheet is the worksheet part of a bot tab about to be written: no
// cells, and the tab's drawing (kept so that the new chart reuses it).
const freshSheet = xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<sheetViews><sheetView workbookViewId="0"%s/></sheetViews><sheetData/>%s</worksheet>`

// emptyDrawing is a drawing part with nothing drawn.
const emptyDrawing = xml.Header + `<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" ` +
	`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"></xdr:wsDr>`

// emptyRels is a relationships part with no relationships.
const emptyRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`

// pkg is the workbook's package as excelize holds it before parsing a
// worksheet: the raw bytes of every part, by name.
type pkg struct {
	f *excelize.File
	// sheets maps a tab's relationship id in the workbook to its part.
	sheets map[string]string
	// book is the workbook part.
	book string
}

// newPackage reads which part holds each tab, from the package's
// relationships.
func newPackage(f *excelize.File) (*pkg, error) {
	if f.WorkBook == nil {
		return nil, errors.New("the workbook part was not read")
	}
	p := &pkg{f: f, sheets: make(map[string]string)}
	root, err := p.rels("")
	if err != nil {
		return nil, err
	}
	book := ""
	for _, r := range root {
		if strings.HasSuffix(r.Type, relTypeOfficeDocument) {
			book = r.Target
		}
	}
	if book == "" {
		return nil, errors.New("the package has no workbook part")
	}
	p.book = book
	rels, err := p.rels(book)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		p.sheets[r.ID] = r.Target
	}
	return p, nil
}

// rel is one relationship of a part, its target resolved to a part name.
type rel struct {
	ID, Type, Target string
}

// rels returns the internal relationships of part ("" for the package's).
func (p *pkg) rels(part string) ([]rel, error) {
	name := relsName(part)
	data, ok := p.bytes(name)
	if !ok {
		return nil, nil
	}
	var doc struct {
		Rels []struct {
			ID         string `xml:"Id,attr"`
			Type       string `xml:"Type,attr"`
			Target     string `xml:"Target,attr"`
			TargetMode string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var out []rel
	for _, r := range doc.Rels {
		if strings.EqualFold(r.TargetMode, "External") {
			continue
		}
		out = append(out, rel{ID: r.ID, Type: r.Type, Target: resolvePart(part, r.Target)})
	}
	return out, nil
}

// bytes returns the raw part name, if the package holds it in memory.
func (p *pkg) bytes(name string) ([]byte, bool) {
	v, ok := p.f.Pkg.Load(name)
	if !ok {
		return nil, false
	}
	b, ok := v.([]byte)
	return b, ok
}

// relsName returns the name of the relationships part of part.
func relsName(part string) string {
	dir, base := path.Split(part)
	return dir + "_rels/" + base + ".rels"
}

// resolvePart resolves a relationship's target against its source part.
func resolvePart(source, target string) string {
	if u, err := url.PathUnescape(target); err == nil {
		target = u
	}
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(path.Dir(source), target), "/")
}

// resetSheet replaces the worksheet part of the bot's tab sheet with an
// empty one, so that writing the tab leaves nothing of what it held: rows,
// merged cells, formats, comments. It must run before excelize parses
// anything of that tab.
//
// The tab's drawing is kept, emptied, and the new chart is drawn in it.
// When the tab will draw a chart (drawsChart), the charts of the old
// drawing are deleted and their names returned, for [pkg.dropOverrides] to
// finish once the new chart is drawn; see [pkg.dropCharts] for when they
// are kept instead.
func (p *pkg) resetSheet(sheet string, drawsChart bool) ([]string, error) {
	f := p.f
	var rid string
	for _, s := range f.WorkBook.Sheets.Sheet {
		if s.Name == sheet {
			rid = s.ID
		}
	}
	part, ok := p.sheets[rid]
	if !ok {
		return nil, errors.New("the workbook does not say which part holds the tab")
	}
	if !strings.HasPrefix(part, "xl/worksheets/") {
		return nil, errors.New("the tab is not a worksheet")
	}
	if _, loaded := f.Sheet.Load(part); loaded {
		return nil, errors.New("the tab was read before it was replaced")
	}
	rels, err := p.rels(part)
	if err != nil {
		return nil, err
	}
	var drawing string
	var dropped []string
	for _, r := range rels {
		// excelize reuses a tab's drawing only when it is named
		// xl/drawings/drawing<N>.xml and the relationship says so with
		// "../drawings/…" or "/xl/drawings/…".
		if !strings.HasSuffix(r.Type, relTypeDrawing) || !numberedPart(r.Target, "xl/drawings/drawing") {
			continue
		}
		if raw, base := p.rawTarget(part, r.ID), path.Base(r.Target); raw != "../drawings/"+base && raw != "/xl/drawings/"+base {
			continue
		}
		if _, loaded := f.Drawings.Load(r.Target); loaded {
			continue
		}
		if _, ok := p.bytes(r.Target); !ok || p.referencedElsewhere(relsName(part), r.Target) {
			continue
		}
		f.Pkg.Store(r.Target, []byte(emptyDrawing))
		drawing = fmt.Sprintf(`<drawing r:id="%s"/>`, xmlEscape(r.ID))
		if drawsChart {
			dropped = p.dropCharts(r.Target)
		}
		break
	}
	selected := ""
	if i, _ := f.GetSheetIndex(sheet); i == f.GetActiveSheetIndex() {
		selected = ` tabSelected="1"`
	}
	f.Pkg.Store(part, fmt.Appendf(nil, freshSheet, selected, drawing))
	return dropped, nil
}

// dropCharts deletes the chart parts of the bot's drawing, and empties its
// relationships, when that is safe: no other part refers to the charts, and
// the chart parts left are chart1.xml … chartN.xml. excelize names a new
// chart by counting the existing ones, so a gap in the numbers would make
// it reuse the name of another tab's chart. When it is not safe the charts
// stay, listed in the drawing's relationships but no longer drawn.
func (p *pkg) dropCharts(drawing string) []string {
	own := relsName(drawing)
	if _, parsed := p.f.Relationships.Load(own); parsed {
		return nil
	}
	rels, err := p.rels(drawing)
	if err != nil {
		return nil
	}
	var charts []string
	for _, r := range rels {
		if !strings.HasSuffix(r.Type, relTypeChart) {
			continue
		}
		if p.referencedElsewhere(own, r.Target) {
			return nil
		}
		if _, parsed := p.f.Relationships.Load(relsName(r.Target)); parsed {
			return nil
		}
		charts = append(charts, r.Target)
	}
	if len(charts) == 0 || !p.chartsNumberedWithout(charts) {
		return nil
	}
	for _, c := range charts {
		p.f.Pkg.Delete(c)
		p.f.Pkg.Delete(relsName(c))
	}
	p.f.Pkg.Store(own, []byte(emptyRels))
	return charts
}

// chartsNumberedWithout reports whether, without the parts gone, the parts
// excelize counts as charts are exactly xl/charts/chart1.xml … chartN.xml.
func (p *pkg) chartsNumberedWithout(gone []string) bool {
	var nums []int
	ok := true
	p.f.Pkg.Range(func(k, _ any) bool {
		name, _ := k.(string)
		if !strings.Contains(name, "xl/charts/chart") || slices.Contains(gone, name) {
			return true
		}
		n, numbered := partNumber(name, "xl/charts/chart")
		if !numbered {
			ok = false
			return false
		}
		nums = append(nums, n)
		return true
	})
	slices.Sort(nums)
	for i, n := range nums {
		if n != i+1 {
			return false
		}
	}
	return ok
}

// dropOverrides removes from the package's content types the parts that
// [pkg.dropCharts] deleted and no new chart took the name of. excelize has
// parsed the content types by then: it added the new chart's.
func (p *pkg) dropOverrides(parts []string) error {
	var gone []string
	for _, name := range parts {
		if _, ok := p.f.Pkg.Load(name); !ok {
			gone = append(gone, "/"+name)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	ct := p.f.ContentTypes
	if ct == nil {
		return errors.New("the content types were not read")
	}
	n := 0
	for i := range ct.Overrides {
		if !slices.Contains(gone, ct.Overrides[i].PartName) {
			ct.Overrides[n] = ct.Overrides[i]
			n++
		}
	}
	ct.Overrides = ct.Overrides[:n]
	return nil
}

// partNumber returns N of a part named prefix<N>.xml.
func partNumber(part, prefix string) (int, bool) {
	n, ok := strings.CutPrefix(part, prefix)
	if !ok {
		return 0, false
	}
	if n, ok = strings.CutSuffix(n, ".xml"); !ok || n == "" || strings.TrimLeft(n, "0123456789") != "" {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil
}

// numberedPart reports whether part is named prefix<N>.xml.
func numberedPart(part, prefix string) bool {
	_, ok := partNumber(part, prefix)
	return ok
}

// rawTarget returns the target of relationship id of part as written.
func (p *pkg) rawTarget(part, id string) string {
	data, _ := p.bytes(relsName(part))
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(data, &doc) != nil {
		return ""
	}
	for _, r := range doc.Rels {
		if r.ID == id {
			return r.Target
		}
	}
	return ""
}

// referencedElsewhere reports whether a relationships part other than
// own has a relationship to target.
func (p *pkg) referencedElsewhere(own, target string) bool {
	found := false
	p.f.Pkg.Range(func(k, _ any) bool {
		name, _ := k.(string)
		if name == own || !strings.HasSuffix(name, ".rels") {
			return true
		}
		source := strings.TrimSuffix(strings.Replace(name, "_rels/", "", 1), ".rels")
		rels, err := p.rels(source)
		if err != nil {
			return true
		}
		for _, r := range rels {
			if r.Target == target {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
