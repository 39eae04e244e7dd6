package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
	"github.com/slack-go/slack"
)

// maxCustomerRunes is the length a customer's name is cut to in a digest,
// which keeps every part of the message within Block Kit's limits
// (https://docs.slack.dev/reference/block-kit/blocks) whatever the sheet
// holds.
const maxCustomerRunes = 60

// Block IDs of the digest, stable so that a test or a later update of the
// message can find each part.
const (
	blockHeader    = "mrr-header"
	blockHeadline  = "mrr-headline"
	blockMovements = "mrr-movements"
	blockMovers    = "mrr-movers"
	blockIssues    = "mrr-issues"
	blockLink      = "mrr-link"
)

// Blocks renders the digest as Slack Block Kit, in this order:
//
//   - a header, "MRR · October 2026" ("MRR · March 2026 to date" for the
//     month in progress);
//   - the headline: ending MRR in bold, Net New MRR and MoM growth (and the
//     day it was measured on, for a month still running);
//   - the five movements, ARR and customers as section fields;
//   - the top movers of each kind, with customer names, when anything moved;
//   - the segment that moved most, when one did;
//   - the committed MRR and the MRR scheduled to churn in 30, 60 and 90
//     days, with the customers;
//   - the number of rows with problems and the tab that lists them, when
//     there are any;
//   - a link to the spreadsheet, when there is one.
//
// Amounts are written as people write them ("$12,480.50", "−$1,099.00").
// Customer, plan and segment names are escaped for mrkdwn (they cannot
// format, link or mention; see EscapeMrkdwn) and cut to a readable length,
// so the message stays within Block Kit's limits whatever the sheet holds.
// [Digest.Headline] is the message's fallback text.
func (d *Digest) Blocks() []slack.Block {
	blocks := []slack.Block{d.headerBlock(), d.headlineBlock(), d.movementsBlock()}
	if b := d.moversBlock(); b != nil {
		blocks = append(blocks, b)
	}
	if b := d.segmentBlock(); b != nil {
		blocks = append(blocks, b)
	}
	if b := d.outlookBlock(); b != nil {
		blocks = append(blocks, b)
	}
	if b := d.issuesBlock(); b != nil {
		blocks = append(blocks, b)
	}
	if len(d.Restated) > 0 {
		var sb strings.Builder
		sb.WriteString("*Restated since they were recorded*")
		for _, r := range d.Restated {
			sb.WriteString("\n• " + EscapeMrkdwn(r))
		}
		blocks = append(blocks, slack.NewSectionBlock(sheetMrkdwn(truncate(sb.String(), 2900)), nil, nil))
	}
	if b := d.linkBlock(); b != nil {
		blocks = append(blocks, b)
	}
	return blocks
}

// ShortBlocks renders the digest as the short reply to the /mrr slash
// command: the header, the headline, the movements with ARR and customers,
// the committed MRR and what is scheduled to churn (with the customers),
// and the link to the spreadsheet when there is one.
func (d *Digest) ShortBlocks() []slack.Block {
	blocks := []slack.Block{d.headerBlock(), d.headlineBlock(), d.movementsBlock()}
	if b := d.outlookBlock(); b != nil {
		blocks = append(blocks, b)
	}
	if b := d.linkBlock(); b != nil {
		blocks = append(blocks, b)
	}
	return blocks
}

// MonthToDate returns the digest of the last month of res: the month that
// holds the as-of date, measured on it (Partial is true unless the as-of
// date is the month's last day). It answers /mrr with no argument. The
// digest has no issues count and no link; the caller sets Issues and Link
// when it has them.
func MonthToDate(res *calc.Result) (*Digest, error) {
	if len(res.Months) == 0 {
		return nil, fmt.Errorf("digest for the month to date: no paying subscriptions by %s", res.AsOf)
	}
	return NewDigest(res, res.Months[len(res.Months)-1].Month, 0, "")
}

func (d *Digest) headerBlock() slack.Block {
	text := fmt.Sprintf("MRR · %s %d", d.Month.Mon(), d.Month.Year())
	if d.Partial {
		text += " to date"
	}
	return slack.NewHeaderBlock(plainText(text), slack.HeaderBlockOptionBlockID(blockHeader))
}

// headlineBlock is the headline in mrkdwn: "*$12,480.50* MRR · Net New
// +$1,099.00 · +9.7% MoM".
func (d *Digest) headlineBlock() slack.Block {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* MRR", Money(d.Ending, d.Currency))
	if d.Partial {
		fmt.Fprintf(&b, " as of %s", d.Through)
	}
	fmt.Fprintf(&b, " · Net New %s", signedMoney(d.NetNew, d.Currency))
	if d.MonthlyFX && !d.FXImpact.IsZero() {
		fmt.Fprintf(&b, " · FX impact %s", signedMoney(d.FXImpact, d.Currency))
	}
	if d.Growth.Valid {
		fmt.Fprintf(&b, " · %s MoM", signedPercent(d.Growth.Decimal))
	}
	return slack.NewSectionBlock(mrkdwn(b.String()), nil, nil, slack.SectionBlockOptionBlockID(blockHeadline))
}

// movementsBlock lays out the five movements, ARR and customers as seven
// fields, which Slack shows in two columns.
func (d *Digest) movementsBlock() slack.Block {
	gain := func(x decimal.Decimal) string { return signedMoney(x, d.Currency) }
	loss := func(x decimal.Decimal) string { return signedMoney(x.Neg(), d.Currency) }
	field := func(label, value string) *slack.TextBlockObject {
		return mrkdwn("*" + label + "*\n" + value)
	}

	customers := fmt.Sprintf("%d (%s new", d.Customers, signedCount(d.NewCustomers))
	if d.ReactivatedCustomers > 0 {
		customers += fmt.Sprintf(", %s reactivated", signedCount(d.ReactivatedCustomers))
	}
	customers += fmt.Sprintf(", %s churned)", signedCount(-d.ChurnedCustomers))

	fields := []*slack.TextBlockObject{
		field(calc.New.String(), gain(d.New)),
		field(calc.Expansion.String(), gain(d.Expansion)),
		field(calc.Reactivation.String(), gain(d.Reactivation)),
		field(calc.Contraction.String(), loss(d.Contraction)),
		field(calc.Churn.String(), loss(d.Churn)),
		field("ARR", Money(d.ARR, d.Currency)),
		field("Customers", customers),
	}
	if d.MonthlyFX {
		fields = append(fields, field(calc.FXImpact.String(), signedMoney(d.FXImpact, d.Currency)))
	}
	return slack.NewSectionBlock(nil, fields, nil, slack.SectionBlockOptionBlockID(blockMovements))
}

// moversBlock lists the top movers, one field per kind of movement, or
// returns nil when nothing moved. With at most five kinds and three names
// cut to maxCustomerRunes each, every field stays far below its limit.
func (d *Digest) moversBlock() slack.Block {
	if len(d.Movers) == 0 {
		return nil
	}
	fields := make([]*slack.TextBlockObject, 0, len(d.Movers))
	for _, ms := range d.Movers {
		var b strings.Builder
		fmt.Fprintf(&b, "*%s*", ms.Kind)
		for _, mv := range ms.Top {
			fmt.Fprintf(&b, "\n%s %s", EscapeMrkdwn(shortName(mv.Customer)), signedMoney(mv.Amount, d.Currency))
		}
		fields = append(fields, sheetMrkdwn(b.String()))
	}
	return slack.NewSectionBlock(mrkdwn("*Top movers*"), fields, nil, slack.SectionBlockOptionBlockID(blockMovers))
}

// issuesBlock points at the tab that lists the rows with problems, or
// returns nil when there are none.
func (d *Digest) issuesBlock() slack.Block {
	if d.Issues <= 0 {
		return nil
	}
	verb, tab := d.issues()
	text := fmt.Sprintf(":warning: %d %s: see the *%s* tab.", d.Issues, verb, EscapeMrkdwn(tab))
	return slack.NewContextBlock(blockIssues, sheetMrkdwn(text))
}

// linkBlock links to the spreadsheet, or returns nil when there is no link.
// It is a mrkdwn link rather than a button: a URL button still sends an
// interaction to the app, which mrrbot does not serve, and Slack marks such
// a button with a warning.
func (d *Digest) linkBlock() slack.Block {
	if d.Link == "" {
		return nil
	}
	text := "<" + escapeLink(d.Link) + "|Open the spreadsheet>"
	return slack.NewSectionBlock(mrkdwn(text), nil, nil, slack.SectionBlockOptionBlockID(blockLink))
}

func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// sheetMrkdwn is a mrkdwn text object for text that carries what the sheet
// says (customer, plan and segment names), escaped with EscapeMrkdwn. It is
// verbatim: Slack then turns no bare URL, channel name or "@here" in it
// into a link or a mention, as it would in its default preprocessing.
// mrrbot's own markup (bold, the spreadsheet's <url|text> link) still
// renders.
func sheetMrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

// mrkdwnEscaper makes sheet text inert in mrkdwn. "&", "<" and ">" become
// the entities Slack documents
// (https://docs.slack.dev/messaging/formatting-message-text#escaping), so
// that "<!channel>" or "<https://…|…>" shows as written and cannot mention
// or link. Slack documents no escape for "*", "_", "~" and "`", which
// would make bold, italic, strikethrough or code of a name such as
// "*Acme*": they become their full-width forms (＊ ＿ ～ ｀), which look
// alike and never format.
var mrkdwnEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"*", "＊", "_", "＿", "~", "～", "`", "｀",
)

// EscapeMrkdwn makes text from the sheet safe to put in mrkdwn: a name such
// as "Smith & <Sons>" or "*ACME* `beta`" shows as written and cannot open a
// link, mention anyone or change the message's formatting. Every message
// that carries sheet text escapes it so: the digest's blocks, and the
// plain-text reply to /mrr sync.
func EscapeMrkdwn(s string) string { return mrkdwnEscaper.Replace(s) }

// linkEscaper makes a URL safe inside <url|text>: the three entities, and a
// "|" percent-encoded so that it cannot end the URL early. The URL's other
// characters ("_" and "~" are common in them) stay as they are.
var linkEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "%7C")

// escapeLink makes a URL safe inside <url|text>.
func escapeLink(u string) string { return linkEscaper.Replace(u) }

// shortName puts a customer's name on one line and cuts it to
// maxCustomerRunes characters, ending with "…" when it was cut.
func shortName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxCustomerRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxCustomerRunes-1])) + "…"
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
