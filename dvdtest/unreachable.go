package dvdtest

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
)

// listed is how many requests a message lists before it only counts the
// rest.
const listed = 5

// unreachable returns why c, the cassette to save, must not be saved: some
// of the requests recorded in this run could not connect to a server that
// answered none of them, and RecordFailures was not given. It returns ""
// when c may be saved.
//
// A test that swallows transport errors passes whether the server answered
// or not, so a re-record while the server is down, the VPN off or the
// network gone would replace real responses with connection errors.
func (d *DVD) unreachable(c *cassette.Cassette) string {
	if d.cfg.recordFails {
		return ""
	}
	ins := c.Interactions()
	if d.loaded > len(ins) {
		return "" // cannot happen: the replayed interactions come first
	}
	recorded := ins[d.loaded:]
	// An outage is a host that never answered: a client that retries, or
	// falls back from https to http as an insecure registry's does, and
	// then gets an answer from the same host, met no outage.
	answered := map[string]bool{}
	for _, in := range recorded {
		if in.Response != nil {
			answered[hostname(in.Request.URL)] = true
		}
	}
	var failed []string
	for i, in := range recorded {
		if in.Error != nil && neterr.RecordOf(in.Error).CouldNotConnect() && !answered[hostname(in.Request.URL)] {
			failed = append(failed, fmt.Sprintf("#%d %s %s: %s", d.loaded+i+1, in.Request.Method, d.redactURL(in.Request.URL), in.Error))
		}
	}
	if len(failed) == 0 {
		return ""
	}
	var b strings.Builder
	what := fmt.Sprintf("%d of %s could not connect, so the server looks unreachable", len(failed), plural(len(recorded), "recorded request"))
	record := "record it"
	if d.onDisk() {
		fmt.Fprintf(&b, "dvdtest: %s kept as it was: %s, and saving would replace the cassette with these errors:", d.path, what)
		record = "record again"
	} else {
		fmt.Fprintf(&b, "dvdtest: %s not saved, nothing was written: %s:", d.path, what)
	}
	for i, f := range failed {
		if i == listed {
			fmt.Fprintf(&b, "\n\t… and %d more", len(failed)-listed)
			break
		}
		b.WriteString("\n\t" + f)
	}
	b.WriteString("\nCheck that the server is up and reachable from here, then " + record + ":\n\t" + d.runCommand() +
		"\nTo record failures to connect on purpose, as a test of an unreachable server does, pass dvdtest.RecordFailures() to Use.")
	return b.String()
}

// hostname returns the host of a recorded URL, with its port if it names
// one, in lower case, or the URL itself when it does not parse: an https
// request and an http one to localhost:5000 went to one host.
func hostname(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Host)
}
