package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// This file is the lock that every writer of a local workbook takes: a
// sync writing the bot's tabs, a Slack claim in the posting ledger, `books
// close`. Each of them reads the workbook, changes it in memory and renames
// a new file over it; two that overlap would each rename over the other's
// work, and a posting claim lost that way posts the digest twice. Holding
// the lock from the read to the rename makes them take turns.

// Lock timings.
const (
	// lockStale is the age after which a lock file is taken to be left by
	// a process that died. A live holder refreshes it (lockBeat) however
	// long its write takes, so only a dead one lets it grow old.
	lockStale = 10 * time.Minute
	// lockBeat is how often a holder refreshes its lock file's time.
	lockBeat = lockStale / 5
	// lockWait is how long a writer waits for another to finish: longer
	// than a sync of a large workbook takes.
	lockWait = 5 * time.Minute
	// lockPoll is how often a waiting writer tries again.
	lockPoll = 50 * time.Millisecond
)

// lockName is the lock file of the workbook at path: beside it, named
// after it.
func lockName(path string) string { return path + ".mrrbot.lock" }

// resolveWorkbook returns the file path names, following symbolic links,
// so that a run given a link and a run given the file take the same lock
// and replace the same file. A path that cannot be resolved is returned
// as it is; opening it reports why.
func resolveWorkbook(path string) string {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		return target
	}
	return path
}

// lockWorkbook takes the lock of the workbook at path (resolved with
// resolveWorkbook) and returns the function that gives it back.
//
// The lock is a file beside the workbook, path + ".mrrbot.lock", created
// exclusively and naming its holder: "mrrbot pid 12 on host-a since …".
// A writer waits up to lockWait for the holder, or until ctx is done. A
// lock is taken over when its holder is gone: a process of this host that
// no longer runs, or a lock not refreshed for lockStale.
func lockWorkbook(ctx context.Context, path string) (unlock func(), err error) {
	name := lockName(path)
	deadline := time.Now().Add(lockWait)
	for {
		info, err := createLock(name)
		if err == nil {
			return holdLock(name, info), nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		stale, err := staleLock(name)
		if err != nil {
			return nil, err
		}
		if stale {
			continue
		}
		if time.Now().After(deadline) {
			return nil, busyError(path, name, nil)
		}
		select {
		case <-ctx.Done():
			return nil, busyError(path, name, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// createLock creates the lock file exclusively, with who holds it.
func createLock(name string) (fs.FileInfo, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("create lock %s: %w", name, err)
	}
	// Who holds the lock, for a person who finds it left behind and for
	// the next writer to see whether its holder still runs.
	host, _ := os.Hostname()
	_, werr := fmt.Fprintf(f, "mrrbot pid %d on %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	info, serr := f.Stat()
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if err := errors.Join(werr, serr); err != nil {
		os.Remove(name)
		return nil, fmt.Errorf("create lock %s: %w", name, err)
	}
	return info, nil
}

// holdLock keeps the lock file info fresh while it is held, and returns
// the function that stops doing so and removes it.
func holdLock(name string, info fs.FileInfo) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(lockBeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				now := time.Now()
				if ours(name, info) {
					_ = os.Chtimes(name, now, now)
				}
			}
		}
	})
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			// Remove the lock only if it is still this one: another
			// process may have taken over a lock it judged stale.
			if ours(name, info) {
				os.Remove(name)
			}
		})
	}
}

// ours reports whether the lock file name is still the one created with
// info.
func ours(name string, info fs.FileInfo) bool {
	cur, err := os.Stat(name)
	return err == nil && os.SameFile(cur, info)
}

// staleLock removes the lock file name when its holder is gone, and
// reports whether it did (or the lock went meanwhile): then the caller
// tries again at once.
func staleLock(name string) (bool, error) {
	info, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil // released meanwhile
	case err != nil:
		return false, fmt.Errorf("read lock %s: %w", name, err)
	}
	if time.Since(info.ModTime()) <= lockStale && !holderGone(name) {
		return false, nil
	}
	// Remove it only if it is still the stale one, so as not to remove a
	// lock just taken by another writer.
	if ours(name, info) {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, fmt.Errorf("remove stale lock %s: %w", name, err)
		}
	}
	return true, nil
}

// holderGone reports whether the lock file name was left by a process of
// this host that no longer runs, as after kill -9. A lock of another host,
// or one whose holder cannot be told, is not gone: it goes stale instead.
func holderGone(name string) bool {
	b, err := os.ReadFile(name)
	if err != nil {
		return false
	}
	var pid int
	var host string
	if _, err := fmt.Sscanf(string(b), "mrrbot pid %d on %s since", &pid, &host); err != nil || pid <= 0 {
		return false
	}
	if me, err := os.Hostname(); err != nil || me != host {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
}

// busyError is the error of a writer that found the lock held for too
// long; it says who holds it, when the lock file tells.
func busyError(path, name string, cause error) error {
	msg := fmt.Sprintf("another mrrbot is writing %s; if none is, remove %s", path, name)
	if b, err := os.ReadFile(name); err == nil {
		if holder := strings.TrimSpace(string(b)); holder != "" && len(holder) < 200 {
			msg += " (held by " + holder + ")"
		}
	}
	if cause != nil {
		return fmt.Errorf("%s: %w", msg, cause)
	}
	return errors.New(msg)
}

// Temporary files of a write sit beside the workbook, so that the rename
// over it is atomic: ".mrrbot-" + the workbook's name + "-" + digits +
// ".tmp". Earlier versions named them ".mrrbot-" + digits + ".xlsx".
const (
	tempPrefix       = ".mrrbot-"
	tempSuffix       = ".tmp"
	legacyTempSuffix = ".xlsx"
)

// tempPattern is the os.CreateTemp pattern of a write of the workbook at
// path.
func tempPattern(path string) string {
	return tempPrefix + filepath.Base(path) + "-*" + tempSuffix
}

// removeLeftovers removes the temporary files that writes of the workbook
// at path left behind when their process was killed mid-write. The caller
// holds the workbook's lock, so no write of this workbook is under way and
// every file of its pattern is a leftover; files of the earlier pattern,
// which does not say whose they are, are removed once lockStale old. It
// returns the files it removed.
func removeLeftovers(path string) []string {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	mine := tempPrefix + filepath.Base(path) + "-"
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, tempPrefix) {
			continue
		}
		switch {
		case strings.HasPrefix(name, mine) && strings.HasSuffix(name, tempSuffix) &&
			tempNumber(strings.TrimSuffix(strings.TrimPrefix(name, mine), tempSuffix)):
		case strings.HasSuffix(name, legacyTempSuffix) &&
			tempNumber(strings.TrimSuffix(strings.TrimPrefix(name, tempPrefix), legacyTempSuffix)):
			info, err := e.Info()
			if err != nil || time.Since(info.ModTime()) <= lockStale {
				continue
			}
		default:
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err == nil {
			removed = append(removed, name)
		}
	}
	return removed
}

// tempNumber reports whether s is the random number os.CreateTemp puts
// in a temporary file's name.
func tempNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
