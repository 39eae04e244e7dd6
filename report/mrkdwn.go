package report

// EscapeMrkdwn makes text from the sheet (a title, a tab's or a customer's
// name) safe to put in a Slack mrkdwn message, as the digest does: "Smith
// & <Sons>" shows as written and cannot open a link or mention anyone.
func EscapeMrkdwn(s string) string { return escapeMrkdwn(s) }
