package sheets

import "strings"

// FindTab returns the tab among tabs that a read of name takes: the first
// whose title is name, ignoring case and surrounding spaces.
func FindTab(tabs []string, name string) (string, bool) {
	for _, t := range tabs {
		if strings.EqualFold(strings.TrimSpace(t), name) {
			return t, true
		}
	}
	return "", false
}
