package xlsx

import (
	"context"
	"fmt"
	"strings"
)

// Ledger records which digests were posted in the hidden _mrrbot tab
// of a local workbook, as entries of [WriteOptions.Ledger]: the key, and
// the note as its value.
//
// A claim reads the ledger and writes the key back, which two processes
// could interleave, or a sync writing the workbook at the same time; so
// claims, releases and every other write of one workbook take turns
// through the lock file beside it, path + ".mrrbot.lock", held while the
// workbook is read and written (see [Write]). A claim waits up to
// five minutes for another writer to finish. A lock whose holder is gone
// (a process of this host that no longer runs, or a lock not refreshed
// for ten minutes) is taken over.
//
// A Ledger is safe for concurrent use, within a process and across
// processes that share the file system.
type Ledger struct {
	path string
}

// NewLedger returns the posting ledger kept in the workbook at path.
func NewLedger(path string) *Ledger {
	return &Ledger{path: path}
}

// Claim reserves key by adding it, with note as its value, to the
// workbook's ledger. It returns false with no error when the ledger holds
// key already. The workbook's tabs are left as they are.
func (l *Ledger) Claim(ctx context.Context, key, note string) (bool, error) {
	if err := checkLedgerKey(key); err != nil {
		return false, fmt.Errorf("claim %q in %s: %w", key, l.path, err)
	}
	target := resolveWorkbook(l.path)
	unlock, err := lockWorkbook(ctx, target)
	if err != nil {
		return false, fmt.Errorf("claim %q: %w", key, err)
	}
	defer unlock()
	entries, err := ReadLedger(l.path)
	if err != nil {
		return false, fmt.Errorf("claim %q: %w", key, err)
	}
	if _, ok := entries[key]; ok {
		return false, nil
	}
	if _, err := writeLocked(l.path, target, nil, WriteOptions{Ledger: map[string]string{key: note}}); err != nil {
		return false, fmt.Errorf("claim %q: %w", key, err)
	}
	return true, nil
}

// Release removes key from the workbook's ledger after a failed post, so a
// later run may post again. Releasing a key that is not there does nothing.
func (l *Ledger) Release(ctx context.Context, key string) error {
	if err := checkLedgerKey(key); err != nil {
		return fmt.Errorf("release %q in %s: %w", key, l.path, err)
	}
	target := resolveWorkbook(l.path)
	unlock, err := lockWorkbook(ctx, target)
	if err != nil {
		return fmt.Errorf("release %q: %w", key, err)
	}
	defer unlock()
	entries, err := ReadLedger(l.path)
	if err != nil {
		return fmt.Errorf("release %q: %w", key, err)
	}
	if _, ok := entries[key]; !ok {
		return nil
	}
	if _, err := writeLocked(l.path, target, nil, WriteOptions{Delete: []string{key}}); err != nil {
		return fmt.Errorf("release %q: %w", key, err)
	}
	return nil
}

// checkLedgerKey refuses the keys the ledger cannot hold: the tab records
// would otherwise read as claims.
func checkLedgerKey(key string) error {
	if key == "" || strings.HasPrefix(key, tabKeyPrefix) {
		return fmt.Errorf("ledger key %q is reserved for mrrbot's tab records", key)
	}
	return nil
}
