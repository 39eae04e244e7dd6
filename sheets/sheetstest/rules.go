package sheetstest

import (
	"slices"

	sheets "google.golang.org/api/sheets/v4"
)

// Conditional format rules live on a tab, in priority order (index 0
// first), and go away with it. As at Google, a rule's ranges follow the
// rows and columns they cover when rows or columns are inserted or
// deleted, shrink when some of their cells are deleted, and a rule whose
// every range is gone is removed.

// interpolationTypes are the types of a gradient rule's points.
var interpolationTypes = []string{"MIN", "MAX", "NUMBER", "PERCENT", "PERCENTILE"}

func (b *book) addConditionalFormatRule(r *sheets.AddConditionalFormatRuleRequest) *apiError {
	rule := clone(r.Rule)
	if rule == nil {
		return invalid("rule must be set")
	}
	if len(rule.Ranges) == 0 {
		return invalid("A conditional format rule must have at least one range.")
	}
	var t *tab
	for _, g := range rule.Ranges {
		sp, err := b.gridRange(g)
		if err != nil {
			return err
		}
		if t != nil && sp.t != t {
			return invalid("All ranges of a conditional format rule must be on the same sheet.")
		}
		t = sp.t
	}
	switch {
	case (rule.BooleanRule == nil) == (rule.GradientRule == nil):
		return invalid("A conditional format rule must set exactly one of booleanRule or gradientRule.")
	case rule.BooleanRule != nil && rule.BooleanRule.Condition == nil:
		return invalid("booleanRule.condition must be set")
	case rule.GradientRule != nil:
		g := rule.GradientRule
		if g.Minpoint == nil || g.Maxpoint == nil {
			return invalid("gradientRule.minpoint and gradientRule.maxpoint must be set")
		}
		for _, err := range []*apiError{checkPoint("minpoint", g.Minpoint), checkPoint("midpoint", g.Midpoint), checkPoint("maxpoint", g.Maxpoint)} {
			if err != nil {
				return err
			}
		}
	}
	if r.Index < 0 || r.Index > int64(len(t.rules)) {
		return invalid("Invalid index %d: the sheet %d has %d conditional format rules.", r.Index, t.props.SheetId, len(t.rules))
	}
	t.rules = slices.Insert(t.rules, int(r.Index), rule)
	return nil
}

// checkPoint checks one interpolation point of a gradient rule; a nil
// midpoint is fine.
func checkPoint(name string, pt *sheets.InterpolationPoint) *apiError {
	switch {
	case pt == nil:
		return nil
	case !slices.Contains(interpolationTypes, pt.Type):
		return invalid("gradientRule.%s.type must be one of %v, not %q", name, interpolationTypes, pt.Type)
	case pt.Type != "MIN" && pt.Type != "MAX" && pt.Value == "":
		return invalid("gradientRule.%s.value must be set for type %s", name, pt.Type)
	}
	return nil
}

func (b *book) deleteConditionalFormatRule(r *sheets.DeleteConditionalFormatRuleRequest) (*sheets.Response, *apiError) {
	t, err := b.gridTab(r.SheetId)
	if err != nil {
		return nil, err
	}
	if r.Index < 0 || r.Index >= int64(len(t.rules)) {
		return nil, invalid("No conditional format on sheet: %d at index: %d", r.SheetId, r.Index)
	}
	gone := t.rules[r.Index]
	t.rules = slices.Delete(t.rules, int(r.Index), int(r.Index)+1)
	return &sheets.Response{DeleteConditionalFormatRule: &sheets.DeleteConditionalFormatRuleResponse{Rule: clone(gone)}}, nil
}

// moveRules moves the ranges of the tab's rules for n rows (or columns)
// inserted at index at (n > 0) or -n deleted from at (n < 0); count is the
// grid's size along that dimension afterwards.
func (t *tab) moveRules(isRows bool, at, n, count int64) {
	if len(t.rules) == 0 || n == 0 {
		return
	}
	t.rules = slices.DeleteFunc(t.rules, func(rule *sheets.ConditionalFormatRule) bool {
		rule.Ranges = slices.DeleteFunc(rule.Ranges, func(g *sheets.GridRange) bool {
			start, end := &g.StartColumnIndex, &g.EndColumnIndex
			if isRows {
				start, end = &g.StartRowIndex, &g.EndRowIndex
			}
			var left bool
			*start, *end, left = moveSpan(*start, *end, at, n, count)
			return !left
		})
		return len(rule.Ranges) == 0
	})
}

// shrinkRules cuts the tab's rules to a grid of rows × cols, before the
// grid is resized to it.
func (t *tab) shrinkRules(rows, cols int64) {
	oldRows, oldCols := t.grid()
	if rows < oldRows {
		t.moveRules(true, rows, rows-oldRows, rows)
	}
	if cols < oldCols {
		t.moveRules(false, cols, cols-oldCols, cols)
	}
}

// moveSpan moves the indexes [start, end) (end 0: to the end of the grid)
// for n indexes inserted at at (n > 0) or -n deleted from at (n < 0), and
// reports whether any of them is left in a grid of size count.
func moveSpan(start, end, at, n, count int64) (int64, int64, bool) {
	if n > 0 {
		if start >= at {
			start += n
		}
		if end > at {
			end += n
		}
	} else {
		move := func(i int64) int64 {
			switch {
			case i <= at:
				return i
			case i <= at-n:
				return at
			}
			return i + n
		}
		start = move(start)
		if end != 0 {
			end = move(end)
		}
	}
	if end == 0 {
		return start, end, start < count
	}
	return start, end, start < end
}
