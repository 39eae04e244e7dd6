package xlsx

import (
	"context"
	"fmt"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
)

// Workbook is a local .xlsx workbook as a [sheets.Source] and a
// [sheets.Sink]: the subscriptions are read from it ([Read]), the bot's
// tabs written into it ([Write]) and the posting ledger kept in it
// ([Ledger]). Every write of it, and every claim, takes turns through
// the workbook's lock.
type Workbook struct {
	// Path is the workbook's file.
	Path string
	// Entries are ledger entries every write keeps in the workbook's
	// hidden _mrrbot tab besides the bot's tab records, such as the
	// marker of the demo's sample workbook (see [WriteOptions.Ledger]).
	Entries map[string]string
	// MemoryLimit is the memory the process may use, in bytes; 0 means
	// none (see [WriteOptions.MemoryLimit]).
	MemoryLimit int64
}

var (
	_ sheets.Source = (*Workbook)(nil)
	_ sheets.Sink   = (*Workbook)(nil)
)

// Layout returns the workbook's tabs, in order, and which of them are the
// bot's, by the records of its _mrrbot tab. Name, Title and Link are the
// path.
func (w *Workbook) Layout(context.Context) (*sheets.Layout, error) {
	x, err := openZip(w.Path)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	entries, err := x.ledger()
	if err != nil {
		return nil, err
	}
	roles := make(map[string]string)
	for k, title := range entries {
		if role, ok := strings.CutPrefix(k, tabKeyPrefix); ok {
			roles[strings.ToLower(title)] = role
		}
	}
	l := &sheets.Layout{Name: "workbook " + w.Path, Title: w.Path, Link: w.Path}
	for _, t := range x.tabs {
		role := roles[strings.ToLower(t.name)]
		if strings.EqualFold(strings.TrimSpace(t.name), ledgerTab) {
			role = sheets.RoleLedger
		}
		l.Tabs = append(l.Tabs, sheets.TabInfo{Title: t.name, Role: role, Hidden: t.hidden})
	}
	return l, nil
}

// Load reads the workbook with [Read].
func (w *Workbook) Load(_ context.Context, opts sheets.Options) (*sheets.Loaded, error) {
	return Read(w.Path, opts)
}

// Write writes tabs into the workbook with [Write], keeping w.Entries in
// its ledger.
func (w *Workbook) Write(_ context.Context, tabs []sheets.Tab) (*sheets.WriteResult, error) {
	res, err := Write(w.Path, tabs, WriteOptions{Ledger: w.Entries, MemoryLimit: w.MemoryLimit})
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", w.Path, err)
	}
	return res, nil
}

// Ledger returns the posting ledger kept in the workbook.
func (w *Workbook) Ledger() sheets.Ledger { return NewLedger(w.Path) }
