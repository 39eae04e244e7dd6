package main

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mrrbot/mrrbot/calc"
)

func TestParseSchedule(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		bad  bool
	}{
		{in: "1 09:00", want: "day 1 at 09:00"},
		{in: "15 17:30", want: "day 15 at 17:30"},
		{in: "off", want: "off"},
		{in: "31 09:00", bad: true},
		{in: "1 9am", bad: true},
		{in: "monthly", bad: true},
	} {
		got, err := parseSchedule(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("parseSchedule(%q) error = %v, want error %v", tt.in, err, tt.bad)
			continue
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("parseSchedule(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestScheduleFiresOnceAtLocalTime runs the scheduler on synctest's fake
// clock, which starts at 2000-01-01 00:00 UTC: with the default schedule in
// New York, the digest for December 1999 goes out at 09:00 EST on January
// 1st (14:00 UTC), once, and the next one on February 1st.
func TestScheduleFiresOnceAtLocalTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var fired []string
		done := make(chan struct{})
		go func() {
			defer close(done)
			sched, _ := parseSchedule("1 09:00")
			runSchedule(ctx, sched, ny, time.Now, slog.New(slog.DiscardHandler), func(_ context.Context, m calc.Month) {
				mu.Lock()
				defer mu.Unlock()
				fired = append(fired, m.String()+" at "+time.Now().In(ny).Format("2006-01-02 15:04 MST"))
			})
		}()
		check := func(when string, want ...string) {
			t.Helper()
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			if len(fired) != len(want) {
				t.Fatalf("%s: fired %v, want %v", when, fired, want)
			}
			for i := range want {
				if fired[i] != want[i] {
					t.Fatalf("%s: fired %v, want %v", when, fired, want)
				}
			}
		}
		time.Sleep(14*time.Hour - time.Second) // 08:59:59 in New York
		check("a second before")
		time.Sleep(time.Second)
		check("at 09:00", "1999-12 at 2000-01-01 09:00 EST")
		time.Sleep(30 * 24 * time.Hour) // to January 31st
		check("the rest of January", "1999-12 at 2000-01-01 09:00 EST")
		time.Sleep(24 * time.Hour)
		check("February 1st", "1999-12 at 2000-01-01 09:00 EST", "2000-01 at 2000-02-01 09:00 EST")
		cancel()
		<-done
	})
}
