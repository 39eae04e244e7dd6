package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// reportConfig is one report of a config file: where its subscriptions
// are, how to report them, and where it talks in Slack.
type reportConfig struct {
	Name        string   `yaml:"name"`
	Spreadsheet string   `yaml:"spreadsheet"`
	Workbook    string   `yaml:"workbook"`
	Tab         string   `yaml:"tab"`
	Segments    []string `yaml:"segments"`
	Currency    string   `yaml:"currency"`
	Timezone    string   `yaml:"timezone"`
	Channel     string   `yaml:"channel"`
	Schedule    string   `yaml:"schedule"`
	// Who may run /mrr and /mrr sync for the report; see access.go.
	AllowUsers      []string `yaml:"allow_users"`
	AllowUsergroups []string `yaml:"allow_usergroups"`
	AllowSync       []string `yaml:"allow_sync"`

	loc   *time.Location
	sched schedule
}

// configFile is mrrbot.yaml:
//
//	reports:
//	  - name: acme
//	    spreadsheet: https://docs.google.com/spreadsheets/d/…/edit
//	    tab: Subscriptions
//	    segments: [Region]
//	    currency: USD
//	    timezone: America/New_York
//	    channel: C0123456789
//	    schedule: "1 09:00"
//	    allow_users: [channel, U0CFO12345]
//	    allow_usergroups: [finance-leads]
//	    allow_sync: [U0OPS12345]
type configFile struct {
	Reports []reportConfig `yaml:"reports"`
}

// loadConfig reads a config file. Errors name the file, the line and the
// key. For a file with a single report, the environment's
// MRRBOT_SPREADSHEET, MRRBOT_CURRENCY, MRRBOT_TIMEZONE and SLACK_CHANNEL
// override the file, as they do without one.
func loadConfig(path string, getenv func(string) string) ([]reportConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var cfg configFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("config %s: %s", path, strings.TrimPrefix(strings.ReplaceAll(err.Error(), "\n ", ""), "yaml: "))
	}
	// The same document as nodes, for the line of each key.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	lines := reportLines(&root)
	at := func(i int, key string) string {
		if i < len(lines) {
			if l, ok := lines[i][key]; ok {
				return fmt.Sprintf("config %s, line %d, %s", path, l, key)
			}
			return fmt.Sprintf("config %s, line %d, report %d", path, lines[i][""], i+1)
		}
		return fmt.Sprintf("config %s, %s", path, key)
	}
	if len(cfg.Reports) == 0 {
		return nil, fmt.Errorf("config %s: no reports: list them under \"reports:\"", path)
	}
	if len(cfg.Reports) == 1 {
		r := &cfg.Reports[0]
		for env, field := range map[string]*string{"MRRBOT_SPREADSHEET": &r.Spreadsheet, "MRRBOT_CURRENCY": &r.Currency, "MRRBOT_TIMEZONE": &r.Timezone, "SLACK_CHANNEL": &r.Channel} {
			if v := getenv(env); v != "" {
				*field = v
			}
		}
	}
	names := map[string]bool{}
	channels := map[string]string{}
	for i := range cfg.Reports {
		r := &cfg.Reports[i]
		if r.Name == "" {
			r.Name = fmt.Sprintf("report %d", i+1)
		}
		if names[r.Name] {
			return nil, fmt.Errorf("%s: the name %q is used twice", at(i, "name"), r.Name)
		}
		names[r.Name] = true
		switch {
		case r.Spreadsheet == "" && r.Workbook == "":
			return nil, fmt.Errorf("%s: give spreadsheet (an ID or URL) or workbook (a file)", at(i, ""))
		case r.Spreadsheet != "" && r.Workbook != "":
			return nil, fmt.Errorf("%s: give spreadsheet or workbook, not both", at(i, "workbook"))
		}
		if r.Currency == "" {
			r.Currency = envOr(getenv, "MRRBOT_CURRENCY", "USD")
		}
		if r.Timezone == "" {
			r.Timezone = getenv("MRRBOT_TIMEZONE")
		}
		r.loc = time.Local
		if r.Timezone != "" {
			if r.loc, err = time.LoadLocation(r.Timezone); err != nil {
				return nil, fmt.Errorf("%s: %q is not a time zone (use a name such as Europe/Berlin)", at(i, "timezone"), r.Timezone)
			}
		}
		if r.Schedule == "" {
			r.Schedule = envOr(getenv, "MRRBOT_SCHEDULE", "1 09:00")
		}
		if r.sched, err = parseSchedule(r.Schedule); err != nil {
			return nil, fmt.Errorf("%s: %v", at(i, "schedule"), err)
		}
		if key, err := checkAllowLists(r); err != nil {
			return nil, fmt.Errorf("%s: %v", at(i, key), err)
		}
		if r.Channel != "" {
			if other, ok := channels[r.Channel]; ok {
				return nil, fmt.Errorf("%s: channel %s is bound to %s already; /mrr there must know which report to answer", at(i, "channel"), r.Channel, other)
			}
			channels[r.Channel] = r.Name
		}
	}
	return cfg.Reports, nil
}

// reportLines returns, for each report of the document, the line of each
// of its keys ("" is the report's own line).
func reportLines(root *yaml.Node) []map[string]int {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return nil
	}
	var out []map[string]int
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "reports" || doc.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range doc.Content[i+1].Content {
			m := map[string]int{"": item.Line}
			for j := 0; j+1 < len(item.Content); j += 2 {
				m[item.Content[j].Value] = item.Content[j+1].Line
			}
			out = append(out, m)
		}
	}
	return out
}
