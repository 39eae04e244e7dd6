package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/slack-go/slack"

	"github.com/mrrbot/mrrbot/calc"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). A
// message over any of them is refused by Slack as a whole.
const (
	maxBlocks       = 50   // blocks in one message
	maxHeaderText   = 150  // characters of a header block
	maxSectionText  = 3000 // characters of a section's text
	maxFieldText    = 2000 // characters of one section field
	maxFields       = 10   // fields in one section
	maxContextItems = 10   // elements of a context block
)

func TestBlocksGolden(t *testing.T) {
	fx := loadFixture(t)
	issues := IssueRows(fx.errs, fx.warnings)
	tests := []struct {
		name   string
		month  calc.Month
		issues int
		link   string
	}{
		// Contraction and Churn, a negative Net New MRR, issues and a link.
		{"2026-01", calc.MonthOf(2026, time.January), issues, fixtureLink},
		// The as-of month, measured on 2026-03-15; no issues.
		{"2026-03", calc.MonthOf(2026, time.March), 0, fixtureLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDigest(fx.res, tt.month, tt.issues, tt.link)
			if err != nil {
				t.Fatal(err)
			}
			blocks := d.Blocks()
			if err := validateBlocks(blocks); err != nil {
				t.Errorf("blocks break Block Kit limits: %v", err)
			}
			checkGolden(t, "blocks-"+tt.name+".golden", marshalBlocks(t, blocks))

			// The fallback text carries the headline numbers.
			fallback := d.Headline()
			for _, want := range []string{Money(d.Ending, d.Currency), signedMoney(d.NetNew, d.Currency)} {
				if !strings.Contains(fallback, want) {
					t.Errorf("fallback text %q does not contain %q", fallback, want)
				}
			}
		})
	}
}

// TestBlocksParts checks which blocks a digest has, by block ID, and what
// the parts that come and go depend on.
func TestBlocksParts(t *testing.T) {
	fx := loadFixture(t)
	tests := []struct {
		name   string
		month  calc.Month
		issues int
		link   string
		want   []string
	}{
		{"everything", calc.MonthOf(2025, time.November), 9, fixtureLink,
			[]string{blockHeader, blockHeadline, blockMovements, blockMovers, blockSegment, blockOutlook, blockIssues, blockLink}},
		// Nothing moved, so no segment either; MRR is paying, so the
		// outlook is there.
		{"nothing moved, no issues, no link", calc.MonthOf(2025, time.December), 0, "",
			[]string{blockHeader, blockHeadline, blockMovements, blockOutlook}},
		{"one issue", calc.MonthOf(2025, time.December), 1, "",
			[]string{blockHeader, blockHeadline, blockMovements, blockOutlook, blockIssues}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDigest(fx.res, tt.month, tt.issues, tt.link)
			if err != nil {
				t.Fatal(err)
			}
			blocks := d.Blocks()
			if got := blockIDs(blocks); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("block IDs = %q, want %q", got, tt.want)
			}
			if err := validateBlocks(blocks); err != nil {
				t.Errorf("blocks break Block Kit limits: %v", err)
			}
		})
	}

	d, err := NewDigest(fx.res, calc.MonthOf(2025, time.November), 1, fixtureLink)
	if err != nil {
		t.Fatal(err)
	}
	texts := blockTexts(d.Blocks())
	for _, want := range []string{
		"MRR · November 2025",
		"*$3,336.44* MRR · Net New +$579.00 · +21.0% MoM",
		"*Reactivation*\n+$180.00",
		"*Contraction*\n$0.00",
		"*Customers*\n12 (+1 new, +1 reactivated, 0 churned)",
		":warning: 1 row has a problem: see the *Data Issues* tab.",
		"<" + fixtureLink + "|Open the spreadsheet>",
	} {
		if !slices.Contains(texts, want) {
			t.Errorf("blocks of 2025-11 have no text %q; they have %q", want, texts)
		}
	}
}

func TestShortBlocks(t *testing.T) {
	fx := loadFixture(t)
	d, err := NewDigest(fx.res, calc.MonthOf(2026, time.January), 9, fixtureLink)
	if err != nil {
		t.Fatal(err)
	}
	blocks := d.ShortBlocks()
	want := []string{blockHeader, blockHeadline, blockMovements, blockOutlook, blockLink}
	if got := blockIDs(blocks); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("block IDs = %q, want %q", got, want)
	}
	if err := validateBlocks(blocks); err != nil {
		t.Errorf("blocks break Block Kit limits: %v", err)
	}
	text := strings.Join(blockTexts(blocks), "\n")
	if strings.Contains(text, "Pied Piper") {
		t.Errorf("short blocks name a top mover:\n%s", text)
	}
	// The outlook names the customers scheduled to churn.
	for _, want := range []string{"*Committed MRR $2,808.13*", "within 30 days: $83.33 (1 customer)", "Umbrella Co −$216.67 (last day 2026-03-10, churns)"} {
		if !strings.Contains(text, want) {
			t.Errorf("short blocks have no %q:\n%s", want, text)
		}
	}
}

func TestMonthToDate(t *testing.T) {
	fx := loadFixture(t)
	d, err := MonthToDate(fx.res)
	if err != nil {
		t.Fatal(err)
	}
	if want := calc.MonthOf(2026, time.March); d.Month != want {
		t.Errorf("month = %s, want %s", d.Month, want)
	}
	if !d.Partial || d.Through != fixtureAsOf {
		t.Errorf("partial = %t through %s, want true through %s", d.Partial, d.Through, fixtureAsOf)
	}
	if d.Issues != 0 || d.Link != "" {
		t.Errorf("issues = %d, link = %q, want none", d.Issues, d.Link)
	}
	if got, want := d.Headline(), "MRR for March 2026 to date (as of 2026-03-15): $2,908.13 (−$216.67, −6.9% MoM)"; got != want {
		t.Errorf("headline = %q, want %q", got, want)
	}

	if _, err := MonthToDate(&calc.Result{Currency: "USD", AsOf: fixtureAsOf}); err == nil {
		t.Error("MonthToDate of an empty result: no error")
	}
}

// TestBlocksEscapeAndLimits feeds the digest names that are markup, very
// long, or both, and the most movers a digest can hold.
func TestBlocksEscapeAndLimits(t *testing.T) {
	long := strings.Repeat("<&>", 200) // 600 characters, all of them escaped
	d := &Digest{
		Month:     calc.MonthOf(2026, time.October),
		Currency:  "USD",
		Through:   calc.MonthOf(2026, time.October).LastDay(),
		Ending:    decimal.RequireFromString("12480.5"),
		NetNew:    decimal.RequireFromString("1099"),
		Customers: 42,
		Issues:    3,
		IssuesTab: "Issues <&>",
		Link:      "https://example.com/sheet?a=1&b=2|x",
	}
	for k := calc.New; k <= calc.Churn; k++ {
		ms := Movers{Kind: k}
		for i := range topMovers {
			ms.Top = append(ms.Top, Mover{
				CustomerID: fmt.Sprint(i),
				Customer:   long + "\n" + long,
				Amount:     decimal.NewFromInt(-1_000_000_000),
			})
		}
		d.Movers = append(d.Movers, ms)
	}
	d.Movers[0].Top[0].Customer = "Smith & <Sons> <!channel>"
	d.Movers[1].Top[0].Customer = "*ACME* _beta_ ~old~ `x`"
	d.Movers[1].Top[1].Customer = "<!here|here> <@U0CEO> <#C0FIN> <https://evil.example|x>"
	d.Link = "https://docs.google.com/spreadsheets/d/1a_B~c/edit?a=1&b=2|x"

	blocks := d.Blocks()
	if err := validateBlocks(blocks); err != nil {
		t.Errorf("blocks break Block Kit limits: %v", err)
	}
	text := strings.Join(blockTexts(blocks), "\n")
	for _, want := range []string{
		"Smith &amp; &lt;Sons&gt; &lt;!channel&gt; −$1,000,000,000.00",
		"＊ACME＊ ＿beta＿ ～old～ ｀x｀ −$1,000,000,000.00",
		"&lt;!here|here&gt; &lt;@U0CEO&gt; &lt;#C0FIN&gt; &lt;https://evil.example|x&gt; −$1,000,000,000.00",
		"see the *Issues &lt;&amp;&gt;* tab",
		// A URL keeps its "_" and "~": only what would end it is escaped.
		"<https://docs.google.com/spreadsheets/d/1a_B~c/edit?a=1&amp;b=2%7Cx|Open the spreadsheet>",
		"…",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("blocks have no %s:\n%s", want, text)
		}
	}
	for _, bad := range []string{"<Sons>", "<!channel>", "<&>", "<!here", "<@U0CEO>", "<#C0FIN>", "<https://evil", "*ACME*", "_beta_", "~old~", "`x`"} {
		if strings.Contains(text, bad) {
			t.Errorf("blocks carry unescaped %s", bad)
		}
	}
	// Every text object that carries sheet text is verbatim, so that
	// Slack's preprocessing turns nothing in it into a link or mention.
	for _, b := range blocks {
		for _, o := range textObjects(b) {
			if o.Type == slack.MarkdownType && strings.Contains(o.Text, "ACME") && !o.Verbatim {
				t.Errorf("sheet text in a text object that is not verbatim: %q", o.Text)
			}
		}
	}
}

// TestValidateBlocks makes sure the limits check catches what it is for.
func TestValidateBlocks(t *testing.T) {
	long := strings.Repeat("x", maxSectionText+1)
	fields := make([]*slack.TextBlockObject, maxFields+1)
	for i := range fields {
		fields[i] = mrkdwn("x")
	}
	tooMany := make([]slack.Block, maxBlocks+1)
	for i := range tooMany {
		tooMany[i] = slack.NewSectionBlock(mrkdwn("x"), nil, nil)
	}
	for _, tt := range []struct {
		name   string
		blocks []slack.Block
		want   string
	}{
		{"too many blocks", tooMany, "51 blocks"},
		{"long header", []slack.Block{slack.NewHeaderBlock(plainText(long[:maxHeaderText+1]))}, "151 characters"},
		{"long section", []slack.Block{slack.NewSectionBlock(mrkdwn(long), nil, nil)}, "3000 characters"},
		{"long field", []slack.Block{slack.NewSectionBlock(nil, []*slack.TextBlockObject{mrkdwn(long[:maxFieldText+1])}, nil)}, "2001 characters"},
		{"too many fields", []slack.Block{slack.NewSectionBlock(nil, fields, nil)}, "11 fields"},
		{"empty section", []slack.Block{slack.NewSectionBlock(nil, nil, nil)}, "needs text or fields"},
		{"empty text", []slack.Block{slack.NewSectionBlock(mrkdwn(""), nil, nil)}, "minimum length"},
		{"empty context", []slack.Block{slack.NewContextBlock("c")}, "0 context elements"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := validateBlocks(tt.blocks)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validateBlocks = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestShortName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Acme Corp", "Acme Corp"},
		{"  Acme\n  Corp ", "Acme Corp"},
		{strings.Repeat("é", maxCustomerRunes), strings.Repeat("é", maxCustomerRunes)},
		{strings.Repeat("é", maxCustomerRunes+1), strings.Repeat("é", maxCustomerRunes-1) + "…"},
	} {
		if got := shortName(tt.in); got != tt.want {
			t.Errorf("shortName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// marshalBlocks returns the JSON of blocks as Slack receives it, indented,
// and without escaping <, > and & as \u003c, \u003e and \u0026 (the same
// JSON value), so that golden files read as the mrkdwn they carry.
func marshalBlocks(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(blocks); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// blockTexts lists the text objects of blocks in order: each block's text,
// then its fields or elements.
func blockTexts(blocks []slack.Block) []string {
	var texts []string
	for _, b := range blocks {
		for _, o := range textObjects(b) {
			texts = append(texts, o.Text)
		}
	}
	return texts
}

// textObjects returns the text objects of a block.
func textObjects(b slack.Block) []*slack.TextBlockObject {
	var out []*slack.TextBlockObject
	add := func(t *slack.TextBlockObject) {
		if t != nil {
			out = append(out, t)
		}
	}
	switch b := b.(type) {
	case *slack.HeaderBlock:
		add(b.Text)
	case *slack.SectionBlock:
		add(b.Text)
		for _, f := range b.Fields {
			add(f)
		}
	case *slack.ContextBlock:
		for _, el := range b.ContextElements.Elements {
			if t, ok := el.(*slack.TextBlockObject); ok {
				add(t)
			}
		}
	}
	return out
}

func blockIDs(blocks []slack.Block) []string {
	ids := make([]string, len(blocks))
	for i, b := range blocks {
		ids[i] = b.ID()
	}
	return ids
}

// validateBlocks checks blocks against the Block Kit limits that the digest
// could reach: the number of blocks, text lengths and the number of fields
// and context elements. It is used by tests; Slack applies the same limits.
func validateBlocks(blocks []slack.Block) error {
	if len(blocks) > maxBlocks {
		return fmt.Errorf("%d blocks, more than %d", len(blocks), maxBlocks)
	}
	var errs []error
	text := func(id, what string, t *slack.TextBlockObject, limit int) {
		if t == nil {
			return
		}
		if err := t.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("block %s, %s: %w", id, what, err))
			return
		}
		if n := utf8.RuneCountInString(t.Text); n > limit {
			errs = append(errs, fmt.Errorf("block %s, %s: %d characters, more than %d", id, what, n, limit))
		}
	}
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			if b.Text == nil || b.Text.Type != slack.PlainTextType {
				errs = append(errs, fmt.Errorf("block %s: a header needs plain text", b.BlockID))
			}
			text(b.BlockID, "text", b.Text, maxHeaderText)
		case *slack.SectionBlock:
			if b.Text == nil && len(b.Fields) == 0 {
				errs = append(errs, fmt.Errorf("block %s: a section needs text or fields", b.BlockID))
			}
			text(b.BlockID, "text", b.Text, maxSectionText)
			if len(b.Fields) > maxFields {
				errs = append(errs, fmt.Errorf("block %s: %d fields, more than %d", b.BlockID, len(b.Fields), maxFields))
			}
			for i, f := range b.Fields {
				text(b.BlockID, fmt.Sprintf("field %d", i+1), f, maxFieldText)
			}
		case *slack.ContextBlock:
			els := b.ContextElements.Elements
			if len(els) == 0 || len(els) > maxContextItems {
				errs = append(errs, fmt.Errorf("block %s: %d context elements, want 1 to %d", b.BlockID, len(els), maxContextItems))
			}
			for i, el := range els {
				if t, ok := el.(*slack.TextBlockObject); ok {
					text(b.BlockID, fmt.Sprintf("element %d", i+1), t, maxSectionText)
				}
			}
		default:
			errs = append(errs, fmt.Errorf("block %s: unexpected block type %s", b.ID(), b.BlockType()))
		}
	}
	return errors.Join(errs...)
}
