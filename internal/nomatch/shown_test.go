package nomatch

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/match"
)

// The redaction the tests of features run with: one of each kind of option.
var featureRedaction = redact.Options{
	Headers:      []string{"X-Custom"},
	Query:        []string{"sessionid"},
	JSONFields:   []string{"user.token"},
	Placeholders: map[string]string{"ACCT": "acct-s3cr3t"},
}

func TestFeatureRedaction(t *testing.T) {
	rd := redact.New(featureRedaction)
	tests := []struct {
		name, reason string
		feature      match.Feature
		want         string
	}{
		{"query token", "a default parameter", match.Feature{Name: "Query", Value: "access_token=s3cr3t&page=2"}, "access_token=REDACTED&page=2"},
		{"query option", "a parameter of the Redaction, in any case", match.Feature{Name: "Query", Value: "SessionID=s3cr3t"}, "SessionID=REDACTED"},
		{"query escaped name", "names are compared unescaped", match.Feature{Name: "Query", Value: "api%5Fkey=s3cr3t"}, "api%5Fkey=REDACTED"},
		{"query placeholder", "", match.Feature{Name: "Query", Value: "account=acct-s3cr3t"}, "account=<ACCT>"},
		{"query harmless", "escaped URLs and addresses in values are no query of their own", match.Feature{Name: "Query", Value: "email=a%40b.example&next=%2Fa%3Fb%3D1"}, "email=a%40b.example&next=%2Fa%3Fb%3D1"},
		{"authorization", "the scheme is no secret", match.Feature{Name: "Header(Authorization)", Value: "Authorization: Bearer s3cr3t"}, "Authorization: Bearer REDACTED"},
		{"header lines", "each line by its own header", match.Feature{Name: "Header(Accept, X-Api-Key, X-Custom)", Value: "Accept: text/plain\nX-Api-Key: s3cr3t\nX-Custom: s3cr3t, s3cr3t2"}, "Accept: text/plain\nX-Api-Key: REDACTED\nX-Custom: REDACTED"},
		{"cookie", "names stay", match.Feature{Name: "Header(Cookie)", Value: "Cookie: sid=s3cr3t; theme=dark"}, "Cookie: sid=REDACTED; theme=REDACTED"},
		{"referer", "a URL header, by its query", match.Feature{Name: "Header(Referer)", Value: "Referer: https://x.example/cb?token=s3cr3t&page=1"}, "Referer: https://x.example/cb?token=REDACTED&page=1"},
		{"header missing", "an absent header is not a redacted one", match.Feature{Name: "Header(Authorization)", Value: "Authorization:"}, "Authorization:"},
		{"header harmless", "no URL header: ? # @ are text", match.Feature{Name: "Header(From, X-Note)", Value: "From: a@b.example\nX-Note: why?token=1#x"}, "From: a@b.example\nX-Note: why?token=1#x"},
		{"json body", "a default field and an option's", match.Feature{Name: "JSONBody", Value: `{"password":"s3cr3t","user":{"name":"ada","token":"s3cr3t"}}`}, `{"password":"REDACTED","user":{"name":"ada","token":"REDACTED"}}`},
		{"form body", "a form by its fields", match.Feature{Name: "Body", Value: "client_secret=s3cr3t&grant_type=client_credentials"}, "client_secret=REDACTED&grant_type=client_credentials"},
		{"form feature", "a Form feature by its fields", match.Feature{Name: "Form", Value: "client_secret=s3cr3t&grant_type=client_credentials"}, "client_secret=REDACTED&grant_type=client_credentials"},
		{"body placeholder", "", match.Feature{Name: "Body", Value: `{"account":"acct-s3cr3t"}`}, `{"account":"<ACCT>"}`},
		{"body harmless", "a URL in a JSON value is not the body's", match.Feature{Name: "Body", Value: `{"url":"https://x.example/a?b=1#c","email":"a@b.example"}`}, `{"url":"https://x.example/a?b=1#c","email":"a@b.example"}`},
		{"text body harmless", "", match.Feature{Name: "Body", Value: "what? who@where #1"}, "what? who@where #1"},
		{"host user", "user information before a host", match.Feature{Name: "Host", Value: "ada:s3cr3t@api.example.com"}, "REDACTED@api.example.com"},
		{"host placeholder", "", match.Feature{Name: "Host", Value: "acct-s3cr3t.example.com:8443"}, "<ACCT>.example.com:8443"},
		{"path placeholder", "", match.Feature{Name: "Path", Value: "/accounts/acct-s3cr3t/bills"}, "/accounts/<ACCT>/bills"},
		{"path harmless", "an @ in a path is no user", match.Feature{Name: "Path", Value: "/users/a@b.example"}, "/users/a@b.example"},
		{"method", "", match.Feature{Name: "Method", Value: "PATCH"}, "PATCH"},
		{"custom secret header", "named as a secret header", match.Feature{Name: "X-Api-Key", Value: "s3cr3t"}, "REDACTED"},
		{"custom secret param", "named as a secret parameter", match.Feature{Name: "api_key", Value: "s3cr3t"}, "REDACTED"},
		{"custom url", "free text that quotes a URL", match.Feature{Name: "Callback", Value: "https://x.example/cb?token=s3cr3t"}, "https://x.example/cb?token=REDACTED"},
		{"custom harmless", "", match.Feature{Name: "Tenant", Value: "acme"}, "acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := featureShown(matcherNamed(tt.feature.Name), tt.feature, rd); got != tt.want {
				t.Errorf("feature(%s %q) = %q, want %q (%s)", tt.feature.Name, tt.feature.Value, got, tt.want, tt.reason)
			}
		})
	}
}

// matcherNamed returns the matcher of package match whose feature is named
// name, or a matcher of the test's own of that name.
func matcherNamed(name string) match.Matcher {
	builtins := map[string]match.Matcher{
		"Method": match.Method, "Host": match.Host, "Path": match.Path, "Query": match.Query,
		"Body": match.Body, "JSONBody": match.JSONBody, "Form": match.Form,
	}
	if m, ok := builtins[name]; ok {
		return m
	}
	if list, ok := strings.CutPrefix(name, "Header("); ok {
		return match.Header(strings.Split(strings.TrimSuffix(list, ")"), ", ")...)
	}
	return match.Custom(func(*http.Request, []byte) match.Feature { return match.Feature{Name: name} })
}

// A Form feature is diffed field by field, each redacted as the fields of
// a multipart body are; a Form feature of a body that is no form is one
// part.
func TestFormParts(t *testing.T) {
	rd := redact.New(featureRedaction)
	tests := []struct {
		name, reason string
		value        string
		want         map[string]string
	}{
		{"fields", "", "a=1&b=x+y", map[string]string{"Form[a]": "1", "Form[b]": "x y"}},
		{"repeated", "the values of one name, in order", "a=1&a=2", map[string]string{"Form[a]": "1, 2"}},
		{"secret", "a default name and an option's", "password=s3cr3t&SessionID=s3cr3t", map[string]string{"Form[password]": "REDACTED", "Form[SessionID]": "REDACTED"}},
		{"json field", "a field that holds JSON is redacted as JSON", "meta=%7B%22user%22%3A%7B%22token%22%3A%22s3cr3t%22%7D%7D", map[string]string{"Form[meta]": `{"user":{"token":"REDACTED"}}`}},
		{"file", "a file shows its name and type; files are kept, as in the file", "f;a.txt;text%2Fplain=password%3Dx", map[string]string{"Form[f]": "a.txt (text/plain): password=x"}},
		{"typed field", "a part with a type and no file is a field", "password;;text%2Fplain=s3cr3t&m;;application%2Fjson=1", map[string]string{"Form[password]": "REDACTED", "Form[m]": "(application/json): 1"}},
		{"placeholder", "", "acct=acct-s3cr3t&f;acct-s3cr3t.txt;text%2Fplain=acct-s3cr3t", map[string]string{"Form[acct]": "<ACCT>", "Form[f]": "<ACCT>.txt (text/plain): <ACCT>"}},
		{"not a form", "a JSON body compared as bytes", `{"password":"s3cr3t"}`, map[string]string{"Form": `{"password":"REDACTED"}`}},
		{"raw semicolons", "a text with semicolons is no form", "a=1;b=2", map[string]string{"Form": "a=1;b=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			_, parts := featureShown(match.Form, match.Feature{Name: "Form", Value: tt.value}, rd)
			for key, shown := range parts {
				got[key] = shown
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parts of %q mismatch (-want +got) (%s):\n%s", tt.value, tt.reason, diff)
			}
		})
	}
}

// featureShown returns how a report shows a feature that m read, with its secrets
// redacted by rd: whole, and split into the parts its diff compares, keyed
// as the diff keys them (Query[page], Header[Accept], Form[name], or the
// feature's name for a feature of one part).
func featureShown(m match.Matcher, f match.Feature, rd *redact.Rules) (whole string, parts map[string]string) {
	k := kindOf(m, f.Name)
	parts = map[string]string{}
	for _, p := range splitParts(rd, k, f) {
		parts[p.key] = p.shown
	}
	return shown(rd, k, f), parts
}
