package sheets

import (
	"fmt"
	"strings"
)

// dateOrder is how a locale writes a date whose year comes last.
type dateOrder uint8

const (
	orderUnknown dateOrder = iota // the locale does not settle it
	orderMDY                      // 03/04/2025 is March 4
	orderDMY                      // 03/04/2025 is 3 April
)

// locale is what a spreadsheet locale settles for reading text cells,
// where the cells' own evidence does not (see evidence.go).
type locale struct {
	name  string // as given, for messages: "de_DE"
	order dateOrder
	// dec is the decimal separator the locale writes: '.' (1,200.50), ','
	// (1.200,50), or 0 when the locale does not say.
	dec byte
}

// Languages that write the day before the month and a decimal comma, unless
// a region below says otherwise.
var (
	dmyLanguages = set("af", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fi", "fil", "fr", "ga", "gl", "he", "hi", "hr", "id", "is", "it", "ka", "kk", "lv", "mk", "ms", "mt", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "sw", "ta", "th", "tr", "uk", "ur", "uz", "vi")
	// Year-first languages (zh, ja, ko, hu, lt, …) do not settle the order of
	// a day and month written before the year; they are left unknown.
	commaLanguages = set("af", "az", "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et", "eu", "fi", "fr", "gl", "hr", "hu", "id", "is", "it", "ka", "kk", "lt", "lv", "mk", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "tr", "uk", "uz", "vi")
	// Regions whose custom differs from their language's.
	mdyRegions   = set("en_us", "en_ph", "es_us", "fil_ph", "en_as", "en_gu", "en_mp", "en_pr", "en_um", "en_vi")
	unknownOrder = set("en", "en_ca", "fr_ca")
	dotRegions   = set("de_ch", "de_li", "it_ch", "es_mx", "es_us", "es_pr", "es_do", "es_gt", "es_hn", "es_ni", "es_pa", "es_sv", "pt_mo")
	// Languages, beside the day-first ones above that are not comma
	// languages, that write a decimal point: year-first East Asia and
	// others whose day order is left unknown.
	dotLanguages = set("zh", "ja", "ko", "th", "he", "hi", "ms", "fil", "ga", "mt", "cy", "ta", "ur", "bn", "sw", "ar")
)

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// parseLocale reads a locale such as "en_US", "de-DE", "fr_FR.UTF-8" or
// "de". An empty string is no locale: it settles neither the order of a
// date's day and month nor the decimal separator. Nor does a language it
// does not know.
func parseLocale(s string) (locale, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return locale{}, nil
	}
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	lang, region, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(s, "-", "_")), "_")
	if len(lang) < 2 || len(lang) > 3 || !letters(lang) || region != "" && !letters(region) && !digits(region) {
		return locale{}, fmt.Errorf("locale %q: want a language and region such as en_US or de_DE", s)
	}
	key := lang
	if region != "" {
		key += "_" + region
	}
	l := locale{name: s}
	switch {
	case mdyRegions[key]:
		l.order = orderMDY
	case unknownOrder[key]:
	case dmyLanguages[lang]:
		l.order = orderDMY
	}
	switch {
	case commaLanguages[lang] && !dotRegions[key]:
		l.dec = ','
	case dmyLanguages[lang] || mdyRegions[key] || unknownOrder[key] || dotLanguages[lang]:
		l.dec = '.'
	}
	return l, nil
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
