// Package calc is mrrbot's engine: it turns subscription rows into the exact
// monthly recurring revenue (MRR) of every month, the movements between
// months (New, Expansion, Reactivation, Contraction, Churn) and the metrics
// derived from them.
//
// calc is pure. It reads no files, keeps no clock and logs nothing: callers
// pass the rows and the as-of date. Money never passes through a float. Rows
// arrive as [Subscription] values with [Fixed] amounts, are normalised to a
// monthly amount as they are added to a [Book], and [Book.Compute] works per
// customer on the months where a customer's MRR changes, so its cost grows
// with rows and customers, not with rows × months.
//
// Rows keep their monthly amounts to 10⁻⁹; a customer's month-end MRR in
// the reporting currency is rounded to the currency's minor unit (the
// cent), and every figure is a sum of those rounded amounts, so that what
// a person reads adds up exactly.
//
// calc also holds the closed-books policy ([CloseBooks]): what a sync
// reports for the months that have ended, what it records of them, and
// which of them the sheet has restated since.
//
// The conventions are those that docs/metrics.md states and works through.
package calc
