package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// releaseTimeout bounds giving a claim back after a failed post.
const releaseTimeout = 30 * time.Second

// PostOnce posts msg with p unless key was claimed in l before, and
// reports whether it posted.
//
// Without force it claims key with note first: a key claimed before
// (posted, or being posted by another host) means no post and no error.
// If the post fails, the claim is released so that a later run may try
// again, and the post's error is returned.
//
// With force it posts whatever the ledger says, then records key (when
// it was not already) so that a scheduled run does not post it once more.
func PostOnce(ctx context.Context, p Poster, l Ledger, key, note string, msg Message, force bool) (posted bool, err error) {
	if force {
		if _, err := p.Post(ctx, msg); err != nil {
			return false, err
		}
		if _, err := l.Claim(ctx, key, note); err != nil {
			return true, fmt.Errorf("posted, but could not record %s in the ledger: %w", key, err)
		}
		return true, nil
	}
	claimed, err := l.Claim(ctx, key, note)
	if err != nil {
		return false, fmt.Errorf("claim %s in the ledger: %w", key, err)
	}
	if !claimed {
		return false, nil
	}
	if _, err := p.Post(ctx, msg); err != nil {
		// The release must happen even when ctx, ending, failed the post.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer cancel()
		if rerr := l.Release(rctx, key); rerr != nil {
			return false, errors.Join(err, fmt.Errorf("release %s in the ledger (remove it by hand to post again): %w", key, rerr))
		}
		return false, err
	}
	return true, nil
}
