// Package xlsx keeps subscriptions in a local .xlsx workbook: it reads
// them ([Read], streaming the zip a row at a time through a scanner of
// its own, without excelize),
// writes the bot's tabs into the workbook ([Write], on excelize, their rows
// streamed into the file as it is saved, touching no tab that is not the
// bot's and replacing the file atomically), and
// keeps the posting ledger in its hidden _mrrbot tab ([Ledger]). Every
// writer of one workbook takes turns through a lock file beside it.
//
// [Workbook] is all of that as a [sheets.Source] and a [sheets.Sink].
//
// This is the only package of mrrbot that imports excelize. Its version is
// pinned exactly in go.mod: the sink reaches below excelize's API into the
// workbook's parts (parts.go), and the sink's tests, which check the
// package it writes part by part, are what guard an upgrade.
package xlsx
