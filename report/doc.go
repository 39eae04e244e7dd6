// Package report turns a calc result into what people read: the figures of
// `mrrbot compute` as a terminal table, JSON or CSV; the bot's tabs, in
// the tab model of package sheets (the contract only: report compiles
// neither the Google client nor excelize); the digest as text and Block
// Kit; and the waterfall chart as a PNG. Rendering is pure: a Result in,
// bytes or cells out.
package report
