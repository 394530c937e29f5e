package cassette

import (
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
)

// A Redaction says what to remove from interactions, beyond the defaults,
// before they are stored, matched or shown.
//
// The rules and the lists of default names live in one place, the package
// internal/redact of this module: this comment restates them, and a test
// checks that it names every one.
//
// The defaults always apply, to the saved file, to the message of a request
// that does not match and to what dvd logs:
//
// Names. One table (credentialNames in internal/redact) says which names
// hold credentials, in every place: header names, query and fragment
// parameters, url-encoded form fields (Rails user[password], PHP
// password[] too), multipart parts, JSON keys at any depth. A name is
// compared in lower case without the separators _ - . [ ] and spaces, so
// access_token, accessToken, ACCESS-TOKEN and user[access_token] are one
// name. It is a credential's when it contains one of token, secret,
// password, passwd, pwd, passphrase, authorization, credential, signature,
// hmac, apikey, privatekey, accesskey, session, jwt, assertion or verifier
// (github_token, webhook_secret, aws_secret_access_key, oauth_token_secret,
// new_password, apiSecret, code_verifier, client_assertion, X-Amz-Signature,
// X-Goog-Iap-Jwt-Assertion). Some words count in some places only: key,
// code, auth and sig as the whole name of a query parameter or form field
// (?key=AIza…, ?code=…, OAuth's authorization code); code as the last word
// of a key (code, device_code) in a JSON OAuth request, a document with a
// grant_type member; key as the last word of a header (X-Auth-Key,
// Dd-Application-Key, Ocp-Apim-Subscription-Key, X-Algolia-Api-Key), but
// for Idempotency-Key and Sec-WebSocket-Key. None of key, code, auth or sig
// is a credential's name in other JSON, where APIs use them for object keys
// (S3's and DynamoDB's Key) and error codes ("code": "NotFound").
//
// False positives are avoided by two rules. Outside headers, a name whose
// last word describes a credential rather than holds one is kept: count,
// counts, total, number, num, policy, policies, timeout, ttl, lifetime,
// length, len, limit, limits, max, min, size, type, types, kind, expires,
// expiry, expiration, at, in, used, remaining, endpoint, url, uri,
// supported, enabled, required, hint, name, format, version, method,
// methods and mode (token_count, password_policy, session_timeout,
// token_type, expires_in, token_endpoint); so is a paging cursor, a name
// that holds pagetoken, nexttoken, continuationtoken, paginationtoken,
// skiptoken, deltatoken or synctoken (nextPageToken, NextToken), which says
// where a list goes on, not who may read it. And a number (a JSON number, a
// query or form value of digits alone) is redacted by name only when the
// name ends with a word of the table (password, pwd, token, code), so that
// max_tokens, tokens_used and prompt_tokens keep their counts; a boolean or
// null is never redacted. Keep keeps any other name that is not a secret.
//
// Headers, of requests and responses (and trailers), whatever the case of
// their names and with _ for - (X_Api_Key): Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, X-Authorization, X-Sentry-Auth,
// X-Registry-Auth, X-Registry-Config, X-Firebase-Appcheck, Npm-Otp and
// X-Github-Otp always, and the names the table finds (X-Auth-Token,
// Private-Token, X-Shopify-Access-Token, X-Amz-Security-Token,
// X-Vault-Token, X-Hub-Signature-256, X-Goog-Api-Key, Dd-Api-Key,
// X-Ms-Authorization-Auxiliary), whatever their last word. CORS headers
// (Access-Control-*) are kept. For Authorization the scheme is kept when
// it is a known one ("Bearer REDACTED"); for cookies the names and the
// attributes a cookie jar knows are kept ("session=REDACTED; Path=/"), so
// that a jar still works on replay; a cookie without a name (a bare token,
// base64 padding and all) goes whole, and a Set-Cookie that folds several
// cookies into one value loses the value of each.
//
// Query parameters and form fields are redacted in the query and the
// fragment of the request URL, in url-encoded form bodies, in the fields
// of multipart/form-data bodies (file parts are kept), and in the URLs
// that the Location, Content-Location, Referer, Link and Refresh headers
// and recorded error messages hold; and inside the URL that another
// parameter holds (next=/cb?token=…, escaped or not). Each value goes
// whole, commas and semicolons included.
//
// The user information of a URL, whole: https://REDACTED@host/, whether it
// is a user and a password, a user alone, or a user with an empty or fixed
// password (https://TOKEN:@host, https://TOKEN:x-oauth-basic@host): the
// user may be the token.
//
// JSON body fields, at any depth, in objects and in arrays, in a JSON
// document (after a UTF-8 byte order mark too) or in each line of a body
// of JSON lines (NDJSON): a string that is the value of a credential's
// name is redacted, and so is every string inside an object or an array
// that is its value. JSON parts of a multipart body are redacted the same
// way.
//
// Not redacted by default: other headers, query parameters and JSON fields
// (a client id, an account id, a user name or an email, a request
// signature's inputs, a JSON Key or code outside an OAuth request); the body of a response or a request that is neither
// JSON, JSON lines, a url-encoded form nor a multipart form (HTML, XML,
// plain text, a file part); a body whose Content-Encoding dvd does not
// decode (br, compress, a stack such as "gzip, br") or that does not
// decode (corrupt, cut short), which is stored as it came and reported
// through Config.Logf, and a decompression bomb that Config.StoreBombs
// stores (without it, the cassette is refused); JSON held as a string
// inside JSON;
// the path and host of a URL, and a host or address in an error.
// (A body in gzip, deflate or zstd is decoded first, and redacted like any
// other: see Response.Encoded.)
// Name them with the fields below, or hide a known value everywhere with a
// placeholder.
//
// The incoming request is redacted the same way before it is matched, so a
// redacted value that the client sends back on replay (a token that a
// response gave it, a cursor) still matches.
//
// In what a recorder saves, and what [Redaction.Apply] leaves, each value
// redacted gets a marker of its own, numbered in order of first
// appearance, REDACTED~1, REDACTED~2…, the same for equal values; and a
// value long and varied enough to be a credential is replaced by its
// marker wherever else the recording holds it, in every form (escaped in
// a URL, JSON or HTML, in base64). Matching sees a marker as plain
// REDACTED, and a marker in a path segment or a query value stands for
// whatever the incoming request sends there. docs/secrets.md gives the
// rules.
type Redaction struct {
	// Headers are more request and response headers to redact.
	Headers []string
	// Query are more query parameters to redact.
	Query []string
	// JSONFields are fields of JSON request and response bodies to redact,
	// as dotted paths from the top: "password", "user.token",
	// "items.*.secret" (* is any array element or object member).
	JSONFields []string
	// Placeholders map a name to a secret value: the cassette holds <NAME>
	// wherever the value was, and replay puts the value back into the
	// responses, errors and TLS server names the client gets. The value is
	// found in every place (URLs, headers, bodies, errors, the TLS server
	// name) and in the forms encoders write it in: query-escaped or
	// path-escaped in a URL, its percent escapes in upper or lower case
	// (%2B, %2b); escaped in a JSON string, \u escapes in either case, of
	// what is not ASCII too (Go's \u003c, Python's \u00e9, PHP's \/,
	// .NET's \u002B and \u0022); as HTML escapers write it (&amp;, &#34;,
	// &quot;, &#39;, &#x27;, &#039;, &#43;, .NET's &#x2B; and &#xE9;), and
	// a path-escaped URL in HTML. There the cassette holds the token
	// written the same way (%3CNAME%3E, \u003cNAME\u003e, &lt;NAME&gt;)
	// or, where that would be ambiguous, <NAME:form>, and replay restores
	// the form it was in, byte for byte. A value written in a mix of forms
	// no encoder writes (some escapes in upper case, some in lower) is not
	// found.
	Placeholders map[string]string
	// Keep are names whose values are kept although the defaults, Headers or
	// Query name them (not JSONFields' paths, nor Placeholders' values): a
	// field called password that holds a rule expression, a session that is a
	// public id. A name is compared in every place (header, query, form,
	// multipart part, JSON key at any depth) the way the defaults are, in any
	// case and with any of the separators _ - . [ ] (Keep "user_password"
	// keeps userPassword and user[password]), whole: Keep "password" does not
	// keep new_password.
	Keep []string
}

// Apply redacts ins with the default redaction and r, in place, as a
// recorder does before it stores what it recorded: for interactions that
// did not come through a recorder, such as those of a cassette written by
// an older dvd, imported from another tool or edited by hand. Placeholders
// replace the values they name.
//
// The interactions are taken as one recording: a value redacted gets a
// marker of its own, REDACTED~1, REDACTED~2…, numbered in order of first
// appearance after the highest marker ins hold already, the same for
// equal values; and a value long and varied enough to be a credential is
// replaced wherever else in ins it appears, in every form (see
// docs/secrets.md). Applying a redaction twice changes nothing more than
// applying it once.
//
// It changes the interactions ins point to, and the header maps and
// responses they hold: to redact interactions of [Cassette.Interactions],
// copy them first. When it changes a response body, the integrity headers
// that describe the body (Content-MD5, X-Amz-Crc32, Digest…; see
// docs/secrets.md) are recomputed for the body it leaves, as a recorder
// does; the length is not.
//
// A body held in a content coding that dvd decodes (gzip, deflate, zstd),
// as it came, is decoded to be redacted, as a recorder does: when
// redaction changes its content it is left decoded, its coding in
// Encoded, to be encoded again on replay; else it stays as it was.
func (r Redaction) Apply(ins ...*Interaction) {
	rules := redact.New(redact.Options(r))
	orig := make([]*Interaction, len(ins))
	came := make([]codedBodies, len(ins))
	after := 0
	for i, in := range ins {
		_, came[i] = decodeBodies(in)
		o := *in
		if in.Response != nil {
			cp := *in.Response
			o.Response = &cp
		}
		orig[i] = &o
		after = max(after, markerIn(in))
		redactInteraction(rules, in)
	}
	markRecording(rules, ins, orig, after)
	for i, in := range ins {
		came[i].asCame(in)
		if o := orig[i].Response; o != nil && in.Response != nil && checksummed(o) {
			syncChecksums(in.Request.Method, in.Response, o.Body)
		}
	}
}

// rules returns the rules of r: the defaults' own, built once, when r adds
// nothing to them.
func (r Redaction) rules() *redact.Rules {
	if len(r.Headers) == 0 && len(r.Query) == 0 && len(r.JSONFields) == 0 && len(r.Placeholders) == 0 && len(r.Keep) == 0 {
		return redact.Default()
	}
	return redact.New(redact.Options(r))
}

// redactInteraction redacts a whole interaction in place, before it is stored.
func redactInteraction(rules *redact.Rules, in *Interaction) {
	in.Request.URL = rules.URL(in.Request.URL)
	in.Request.Header, _ = rules.Header(in.Request.Header)
	in.Request.Body, _ = rules.Body(in.Request.Body, in.Request.Header.Get("Content-Type"))
	in.Error = redactedError(rules, in.Error)
	if r := in.Response; r != nil {
		r.BodyError = redactedError(rules, r.BodyError)
		r.Header, _ = rules.Header(r.Header)
		r.Trailer, _ = rules.Header(r.Trailer)
		r.Body, _ = rules.Body(r.Body, r.Header.Get("Content-Type"))
		r.TLS = serverName(r.TLS, rules.Text)
	}
}

// redactedError returns err with its secrets redacted: err itself when it
// has none, else the error of its redacted record.
func redactedError(rules *redact.Rules, err error) error {
	if err == nil {
		return nil
	}
	e := neterr.RecordOf(err)
	r := e
	r.Message = rules.Message(r.Message)
	r.Addr = rules.Text(r.Addr)
	// A DNS error repeats the host its message quotes.
	r.Name, r.Server, r.Detail = rules.Text(r.Name), rules.Text(r.Server), rules.Message(r.Detail)
	if r == e {
		return err
	}
	return neterr.Recorded(r)
}

// restored returns an interaction as replay serves it: with the values of
// placeholders put back into the response and the error, each in the form
// it was recorded in. The cassette keeps the tokens; in is not modified.
func restored(rules *redact.Rules, in Interaction) Interaction {
	if !rules.HasPlaceholders() {
		return in
	}
	if rec := in.Response; rec != nil {
		cp := *rec
		cp.Header = rules.RestoreHeader(rec.Header)
		cp.Trailer = rules.RestoreHeader(rec.Trailer)
		cp.Body = rules.RestoreBytes(rec.Body)
		cp.BodyError = restoredError(rules, rec.BodyError)
		cp.TLS = serverName(rec.TLS, rules.Restore)
		in.Response = &cp
	}
	in.Error = restoredError(rules, in.Error)
	return in
}

func restoredError(rules *redact.Rules, err error) error { return neterr.Rewrite(err, rules.Restore) }
