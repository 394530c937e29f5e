package dvdtest

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestShellQuote(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		give   string
		want   string
	}{
		{"plain word", "nothing to quote", "./dvdtest", "./dvdtest"},
		{"empty", "an empty argument must stay one", "", "''"},
		{"space", "", "a b", "'a b'"},
		{"single quote", "closed, escaped, reopened", "it's", `'it'\''s'`},
		{"only quotes", "", "''", `''\'''\'''`},
		{"backslash", "nothing is special inside single quotes", `a\b`, `'a\b'`},
		{"dollar", "no expansion", "$HOME", `'$HOME'`},
		{"command substitution", "", "$(id)`id`", "'$(id)`id`'"},
		{"glob", "", "a*", "'a*'"},
		{"history", "bash expands ! outside quotes", "!!", "'!!'"},
		{"tilde", "", "~", "'~'"},
		{"equals first", "zsh expands =word", "=ls", "'=ls'"},
		{"hash", "# starts a comment", "#1", "'#1'"},
		{"newline", "", "a\nb", "'a\nb'"},
		{"double quote", "", `"`, `'"'`},
		{"regexp", "", `^TestX$/^a\.b$`, `'^TestX$/^a\.b$'`},
		{"non-ASCII", "not every shell treats it alike", "café", "'café'"},
	}
	sh, _ := exec.LookPath("sh")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shellQuote(tt.give)
			if got != tt.want {
				t.Errorf("shellQuote(%q) = %s, want %s (%s)", tt.give, got, tt.want, tt.reason)
			}
			if sh == "" {
				return
			}
			out, err := exec.Command(sh, "-c", "printf %s "+got).Output()
			if err != nil || string(out) != tt.give {
				t.Errorf("sh -c 'printf %%s %s' = %q, %v; want %q back", got, out, err, tt.give)
			}
		})
	}
}

func TestRunPattern(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		give   string // t.Name()
		want   string
	}{
		{"top level", "", "TestX", `^TestX$`},
		{"subtest", "anchored, so that TestX/sub2 does not run", "TestX/sub", `^TestX$/^sub$`},
		{"metacharacters", "a.b must not select axb", "TestX/a.b*c?+", `^TestX$/^a\.b\*c\?\+$`},
		{"alternation", "an unescaped | splits the pattern into alternatives", "TestX/a|b", `^TestX$/^a\|b$`},
		{"brackets", "an unescaped [ would stop go test from splitting at /", "TestX/[a](b){2}", `^TestX$/^\[a\]\(b\)\{2\}$`},
		{"slash in a subtest's name", "go test splits names at every /, so each part is a level", "TestX/GET_/users", `^TestX$/^GET_$/^users$`},
		{"empty level", "t.Run(\"/users\") is TestX//users", "TestX//users", `^TestX$/^$/^users$`},
		{"quote", "the shell's business, not the pattern's", "TestX/it's", `^TestX$/^it's$`},
		{"backslash", "the testing package writes a control character as \\x01", `TestX/a\x01b`, `^TestX$/^a\\x01b$`},
		{"dollar and caret", "", "TestX/$^", `^TestX$/^\$\^$`},
		{"unique suffix", "the second subtest named a is a#01", "TestX/a#01", `^TestX$/^a#01$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runPattern(tt.give)
			if got != tt.want {
				t.Errorf("runPattern(%q) = %s, want %s (%s)", tt.give, got, tt.want, tt.reason)
			}
			// Each level of the pattern matches the level of the name.
			parts, levels := strings.Split(got, "/"), strings.Split(tt.give, "/")
			if len(parts) != len(levels) {
				t.Fatalf("runPattern(%q) has %d levels, want %d", tt.give, len(parts), len(levels))
			}
			for i, p := range parts {
				if re, err := regexp.Compile(p); err != nil || !re.MatchString(levels[i]) {
					t.Errorf("level %d of runPattern(%q), %s, does not match %q: %v", i, tt.give, p, levels[i], err)
				}
			}
		})
	}
}
