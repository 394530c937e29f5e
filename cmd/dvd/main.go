// Command dvd works with dvd cassettes outside of a test: it imports go-vcr
// cassettes and HAR files, shows what a cassette holds, finds credentials
// and cassettes no test uses, scrubs secrets from cassettes already
// written, exports a cassette as HAR and changes its compression.
//
// Usage:
//
//	dvd <command> [flags] [arguments]
//
// Run "dvd help" for the list of commands and "dvd help <command>" for one.
//
// Exit status: 0 on success, 1 when a command fails or lint has findings,
// 2 for a usage error (an unknown command, a wrong flag, a missing argument).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// A command is one of dvd's subcommands.
type command struct {
	name  string
	args  string // the arguments after the flags, for the usage line
	short string // one line for "dvd help"
	long  string // the rest of "dvd help NAME"
	// flags declares the command's flags on fs and returns the func that
	// runs it with the arguments left after them.
	flags func(fs *flag.FlagSet, env *env) func(args []string) error
}

// env is what a command reads and writes, so that tests can run it in
// process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// commands lists the subcommands in the order "dvd help" shows them.
var commands = []*command{
	importCommand,
	inspectCommand,
	lintCommand,
	scrubCommand,
	exportCommand,
	convertCommand,
}

// Exit statuses.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	programName  = "dvd"
	usageSummary = "usage: dvd <command> [flags] [arguments]"
)

// errFindings is returned by a command that ran and found something to
// report, already printed: dvd exits 1 and prints nothing more.
var errFindings = errors.New("findings")

// usageError is a wrong command line: dvd prints it with the command's
// usage and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// run runs dvd with args (without the program name) and returns its exit
// status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprintln(stderr, usageSummary)
		fmt.Fprintln(stderr, `Run "dvd help" for the commands.`)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(e, rest)
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "dvd: unknown command %q\n", name)
		fmt.Fprintln(stderr, `Run "dvd help" for the commands.`)
		return exitUsage
	}
	fs := flag.NewFlagSet("dvd "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runner := c.flags(fs, e)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.usage(stdout, fs)
			return exitOK
		}
		c.usageError(stderr, fs, err)
		return exitUsage
	}
	err := runner(fs.Args())
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		c.usageError(stderr, fs, err)
		return exitUsage
	case errors.Is(err, errFindings):
		return exitFailure
	default:
		fmt.Fprintf(stderr, "dvd %s: %v\n", c.name, err)
		return exitFailure
	}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// help prints the list of commands, or one command's whole help.
func help(e *env, args []string) int {
	switch len(args) {
	case 0:
		fmt.Fprintf(e.stdout, "dvd works with the cassettes of github.com/dvdrw/dvd.\n\n%s\n\nThe commands are:\n\n", usageSummary)
		for _, c := range commands {
			fmt.Fprintf(e.stdout, "\t%-8s %s\n", c.name, c.short)
		}
		fmt.Fprintf(e.stdout, "\nRun \"dvd help <command>\" for more about a command.\n")
		return exitOK
	case 1:
		c := lookup(args[0])
		if c == nil {
			fmt.Fprintf(e.stderr, "dvd help: unknown command %q\n", args[0])
			fmt.Fprintln(e.stderr, `Run "dvd help" for the commands.`)
			return exitUsage
		}
		fs := flag.NewFlagSet("dvd "+c.name, flag.ContinueOnError)
		c.flags(fs, e)
		c.usage(e.stdout, fs)
		return exitOK
	default:
		fmt.Fprintln(e.stderr, "usage: dvd help [command]")
		return exitUsage
	}
}

// usageError prints a wrong command line's error, the command's usage
// line and where to read more, as the go command does: not the whole help.
func (c *command) usageError(w io.Writer, fs *flag.FlagSet, err error) {
	fmt.Fprintf(w, "dvd %s: %v\n", c.name, err)
	c.usageLine(w, fs)
	fmt.Fprintf(w, "Run 'dvd help %s' for details.\n", c.name)
}

// usageLine prints the command's usage line.
func (c *command) usageLine(w io.Writer, fs *flag.FlagSet) bool {
	fmt.Fprintf(w, "usage: dvd %s", c.name)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, " [flags]")
	}
	if c.args != "" {
		fmt.Fprint(w, " "+c.args)
	}
	fmt.Fprintln(w)
	return hasFlags
}

// usage prints the command's usage line, its help and its flags.
func (c *command) usage(w io.Writer, fs *flag.FlagSet) {
	hasFlags := c.usageLine(w, fs)
	fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.long))
	if hasFlags {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}
