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
//
// msg is posted with key as its Key. A post that fails in a way that Slack
// may have delivered it all the same, and that the poster could not settle
// by looking in the channel (an error wrapping [ErrMaybePosted]), keeps
// its claim, or with force makes one: posting it again might post it
// twice. The error says to look in the channel and to post with --force if
// the message is not there.
func PostOnce(ctx context.Context, p Poster, l Ledger, key, note string, msg Message, force bool) (posted bool, err error) {
	msg.Key = key
	if force {
		if _, err := p.Post(ctx, msg); err != nil {
			if errors.Is(err, ErrMaybePosted) {
				if _, cerr := l.Claim(context.WithoutCancel(ctx), key, note); cerr != nil {
					err = errors.Join(err, fmt.Errorf("record %s in the ledger: %w", key, cerr))
				}
				return false, maybePostedHint(err, key)
			}
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
		if errors.Is(err, ErrMaybePosted) {
			return false, maybePostedHint(err, key)
		}
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

// maybePostedHint adds to the error of a post that may have gone out what
// to do about it.
func maybePostedHint(err error, key string) error {
	return fmt.Errorf("%w; it may have been posted all the same, so %s stays claimed in the ledger and "+
		"mrrbot will not post it again: look in the channel, and if it is not there, post it with --force", err, key)
}
