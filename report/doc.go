// Package report turns a calc result into what people read: the figures of
// `mrrbot compute` as a terminal table, JSON or CSV, and (with the Sheets and
// Slack work) the summary tabs and the digest. Rendering is pure: a Result
// in, bytes or cells out.
package report
