package redact

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestCredentialNamesEverywhere holds the names of issue 18 that reached
// the file: each row failed before the one table of credentialNames.
func TestCredentialNamesEverywhere(t *testing.T) {
	r := New(Options{})
	tests := []struct {
		name, reason, in, want string
	}{
		{"github_token", "a word anywhere in a JSON key", `{"github_token":"S"}`, `{"github_token":"REDACTED"}`},
		{"webhook_secret", "", `{"webhook_secret":"S"}`, `{"webhook_secret":"REDACTED"}`},
		{"aws_secret_access_key", "", `{"aws_secret_access_key":"S"}`, `{"aws_secret_access_key":"REDACTED"}`},
		{"oauth_token_secret", "", `{"oauth_token_secret":"S"}`, `{"oauth_token_secret":"REDACTED"}`},
		{"new_password", "", `{"user":{"new_password":"S"}}`, `{"user":{"new_password":"REDACTED"}}`},
		{"bot_token", "", `[{"bot_token":"S"}]`, `[{"bot_token":"REDACTED"}]`},
		{"apiSecret", "camelCase", `{"apiSecret":"S"}`, `{"apiSecret":"REDACTED"}`},
		{"passWord", "any case", `{"passWord":"S"}`, `{"passWord":"REDACTED"}`},
		{"dotted", "dots separate words", `{"db.password":"S"}`, `{"db.password":"REDACTED"}`},
		{"code_verifier", "the same names as a query", `{"code_verifier":"S"}`, `{"code_verifier":"REDACTED"}`},
		{"client_assertion", "", `{"client_assertion":"S"}`, `{"client_assertion":"REDACTED"}`},
		{"assertion", "", `{"assertion":"S"}`, `{"assertion":"REDACTED"}`},
		{"subject_token", "", `{"subject_token":"S"}`, `{"subject_token":"REDACTED"}`},
		{"jwt", "", `{"jwt":"S"}`, `{"jwt":"REDACTED"}`},
		{"oauth_token", "", `{"oauth_token":"S"}`, `{"oauth_token":"REDACTED"}`},
		{"private_token", "", `{"private_token":"S"}`, `{"private_token":"REDACTED"}`},
		{"api_token", "", `{"api_token":"S"}`, `{"api_token":"REDACTED"}`},
		{"oauth code", "code is a credential in an OAuth request sent as JSON",
			`{"grant_type":"authorization_code","code":"S","redirect_uri":"https://app/cb"}`,
			`{"grant_type":"authorization_code","code":"REDACTED","redirect_uri":"https://app/cb"}`},
		{"oauth code after", "the grant_type may come last",
			`{"device_code":"S","grantType":"urn:ietf:params:oauth:grant-type:device_code"}`,
			`{"device_code":"REDACTED","grantType":"urn:ietf:params:oauth:grant-type:device_code"}`},
		{"error code", "not in other JSON: an error code", `{"code":"NotFound","message":"no"}`, `{"code":"NotFound","message":"no"}`},
		{"S3 key", "not in other JSON: an object key", `{"Key":"photos/a.jpg","Bucket":"b"}`, `{"Key":"photos/a.jpg","Bucket":"b"}`},
		{"bom", "a byte order mark before JSON (IIS, .NET)", "\ufeff{\"password\":\"S\"}", "\ufeff{\"password\":\"REDACTED\"}"},
		{"number password", "a number that is the credential", `{"password":123456}`, `{"password":"REDACTED"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := r.Body([]byte(tt.in), "application/json")
			if string(got) != tt.want {
				t.Errorf("%s → %s, want %s (%s)", tt.in, got, tt.want, tt.reason)
			}
		})
	}
}

// TestDescriptorsAreNotCredentials holds the false positives the table
// avoids: a name that mentions a credential but describes it.
func TestDescriptorsAreNotCredentials(t *testing.T) {
	r := New(Options{})
	for _, in := range []string{
		`{"token_count":12,"password_policy":{"min_length":8,"require_symbols":true},"session_timeout":300}`,
		`{"max_tokens":100,"tokens_used":42,"usage":{"prompt_tokens":3,"total_tokens":5}}`,
		`{"token_type":"Bearer","expires_in":3600,"token_endpoint":"https://id.example.com/token"}`,
		`{"secret_name":"db","session_enabled":false,"password":null,"token":true}`,
		`{"code":"NotFound","Key":"a/b.txt","auth":"basic","sig":"x"}`,
		`{"nextPageToken":"CAEQ","NextToken":"abc","continuation_token":"x","@odata.deltaToken":"d"}`,
	} {
		if got, changed := r.Body([]byte(in), "application/json"); changed {
			t.Errorf("%s → %s, want it kept", in, got)
		}
	}
	if got, _ := r.Query("max_tokens=100&token_count=2&password_policy=strict&pin_code=1234&pwd=1234&pageToken=CAEQ"); got != "max_tokens=100&token_count=2&password_policy=strict&pin_code=1234&pwd=REDACTED&pageToken=CAEQ" {
		t.Errorf("descriptors redacted in a query: %s", got)
	}
}

func TestCredentialNamesInForms(t *testing.T) {
	r := New(Options{})
	tests := []struct{ name, in, want string }{
		{"rails", "user%5Bemail%5D=a%40b&user%5Bpassword%5D=S", "user%5Bemail%5D=a%40b&user%5Bpassword%5D=REDACTED"},
		{"rails plain", "user[password]=S&user[name]=ada", "user[password]=REDACTED&user[name]=ada"},
		{"php", "password[]=S&password[]=T", "password[]=REDACTED&password[]=REDACTED"},
		{"github_token", "github_token=S", "github_token=REDACTED"},
		{"new_password", "new_password=S&remember=1", "new_password=REDACTED&remember=1"},
		{"key", "key=AIzaS&q=1", "key=REDACTED&q=1"},
		{"code", "code=S&state=x", "code=REDACTED&state=x"},
		{"sort key kept", "sort_key=name&country_code=FR", "sort_key=name&country_code=FR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := r.Body([]byte(tt.in), FormType)
			if string(got) != tt.want {
				t.Errorf("%s → %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestCredentialNamesInMultipart(t *testing.T) {
	var in bytes.Buffer
	w := multipart.NewWriter(&in)
	w.WriteField("private_key", "-----BEGIN PRIVATE KEY-----S")
	w.WriteField("bot_token", "S2")
	w.WriteField("name", "ada")
	w.Close()
	got, _ := New(Options{}).Body(in.Bytes(), w.FormDataContentType())
	if bytes.Contains(got, []byte("S2")) || bytes.Contains(got, []byte("BEGIN")) || !bytes.Contains(got, []byte("ada")) {
		t.Errorf("multipart:\n%s", got)
	}
}

func TestCredentialHeaders(t *testing.T) {
	r := New(Options{})
	for _, name := range []string{
		"X-Ms-Authorization-Auxiliary", "X-Goog-Iap-Jwt-Assertion", "Authorization", "X-Api-Key", "X-Auth-Token",
		"X-Hub-Signature-256", "Dd-Application-Key", "X-Registry-Auth", "X_Api_Key", "X-Hmac",
	} {
		if !r.SecretHeader(http.CanonicalHeaderKey(name)) {
			t.Errorf("header %s is not a secret", name)
		}
	}
	for _, name := range []string{
		"Idempotency-Key", "Sec-Websocket-Key", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
		"Content-Type", "Accept", "X-Request-Id", "Www-Authenticate",
	} {
		if r.SecretHeader(http.CanonicalHeaderKey(name)) {
			t.Errorf("header %s is a secret", name)
		}
	}
}

// TestDefaultNamesAreInTheTable holds the names redacted before the table
// to it: none is lost.
func TestDefaultNamesAreInTheTable(t *testing.T) {
	for _, n := range DefaultQuery() {
		if !CredentialName(n, InQuery) {
			t.Errorf("query %s is no longer a credential's name", n)
		}
	}
	for _, n := range DefaultJSONNames() {
		if !CredentialName(n, InJSON) {
			t.Errorf("JSON key %s is no longer a credential's name", n)
		}
	}
}

func TestKeep(t *testing.T) {
	r := New(Options{Keep: []string{"password", "X-Session-Id", "code", "theme"}})
	if got := r.HeaderValue("Cookie", "theme=dark; sid=S"); got != "theme=dark; sid=REDACTED" {
		t.Errorf("cookie: %s", got)
	}
	if got, _ := r.Body([]byte(`{"Password":"rule expression","token":"S"}`), "application/json"); string(got) != `{"Password":"rule expression","token":"REDACTED"}` {
		t.Errorf("JSON: %s", got)
	}
	if got, _ := r.Query("code=NF&PASSWORD=x&new_password=S"); got != "code=NF&PASSWORD=x&new_password=REDACTED" {
		t.Errorf("query: %s", got)
	}
	if got, _ := r.Header(http.Header{"X-Session-Id": {"s1"}, "X-Auth-Token": {"S"}}); got.Get("X-Session-Id") != "s1" || got.Get("X-Auth-Token") != Redacted {
		t.Errorf("header: %v", got)
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct{ in, want, last string }{
		{"access_token", "accesstoken", "token"},
		{"accessToken", "accesstoken", "token"},
		{"APIKey", "apikey", "key"},
		{"user[password]", "userpassword", "password"},
		{"password[]", "password", "password"},
		{"X-Amz-Security-Token", "xamzsecuritytoken", "token"},
		{"passWord", "password", "word"},
		{"TOKEN_COUNT", "tokencount", "count"},
	}
	for _, tt := range tests {
		var buf [maxNameLen]byte
		n, lw, ok := normalise(&buf, tt.in)
		if !ok || string(n) != tt.want || string(n[lw:]) != tt.last {
			t.Errorf("normalise(%q) = %q, last word %q; want %q, %q", tt.in, n, n[lw:], tt.want, tt.last)
		}
	}
	if _, _, ok := normalise(&[maxNameLen]byte{}, strings.Repeat("a", maxNameLen+1)); ok {
		t.Error("a name longer than maxNameLen was normalised")
	}
}
