package secretoracle

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The places a secret is planted in. Responses carry it in bodies of every
// content type, in headers, cookies and redirects; requests in their path,
// query, form and multipart bodies, headers and cookies; a broken response
// puts it in the text of the client's error.
var places = []string{
	// response bodies
	"json", "json-text", "ndjson", "text", "html", "xml", "sse", "gzip-response",
	// response headers
	"header", "set-cookie", "redirect",
	// requests
	"path", "query", "form", "multipart", "gzip-request", "request-header", "cookie",
	// the text of an error
	"error",
}

// inlinePlaces are the places a value with line breaks has no room in.
var inlinePlaces = []string{"header", "set-cookie", "redirect", "path", "query", "request-header", "cookie", "error"}

// fits reports whether kind k is planted in place p.
func (k kind) fits(p string) bool {
	if slices.Contains(k.notIn, p) {
		return false
	}
	if k.places != nil {
		return slices.Contains(k.places, p)
	}
	return !k.multiline || !slices.Contains(inlinePlaces, p)
}

// fieldName is the name a secret is planted under where a place has names.
func (k kind) fieldName() string {
	if k.name != "" {
		return k.name
	}
	return "note"
}

// inText is how a secret stands in a text: an Azure SAS as the query of a
// blob's URL, the others as they are.
func (k kind) inText(v string) string {
	if k.id == "azure-sas" {
		return "https://oracle.blob.core.windows.net/c/b.txt?" + v
	}
	return v
}

// query is the query a request or redirect carries the secret in.
func (k kind) query(v string) string {
	if k.id == "azure-sas" {
		return v
	}
	return url.Values{k.fieldName(): {v}}.Encode()
}

func kindByID(id string) kind {
	for _, k := range kinds {
		if k.id == id {
			return k
		}
	}
	panic("no kind " + id)
}

// allCases are place/kind, for every kind in every place it fits.
func allCases() []string {
	var out []string
	for _, p := range places {
		for _, k := range kinds {
			if k.fits(p) {
				out = append(out, p+"/"+k.id)
			}
		}
	}
	return out
}

// A server that plants the secrets of a set of cases and writes down, per
// case, the traffic as it saw it: each request as it came, each response
// as it sent it (bodies before gzip), in HTTP's own text.
type server struct {
	secrets map[string]string
	mu      sync.Mutex
	raw     map[string]*bytes.Buffer
}

// ServeHTTP answers /case/<place>/<kind>[/...].
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/case/"), "/", 3)
	if len(parts) < 2 {
		http.NotFound(w, r)
		return
	}
	place, k := parts[0], kindByID(parts[1])
	v := s.secrets[k.id]
	raw := s.rawOf(place + "/" + k.id)
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	s.mu.Lock()
	fmt.Fprintf(raw, "%s %s %s\n", r.Method, r.RequestURI, r.Proto)
	writeHeader(raw, r.Header)
	fmt.Fprintf(raw, "\n%s\n\n", body)
	s.mu.Unlock()

	if place == "error" {
		// A response the client cannot read: its error quotes what
		// stands where the HTTP version should.
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		line := k.inText(v) + " 200 OK\r\nContent-Type: text/plain\r\n\r\n"
		bw.WriteString(line)
		bw.Flush()
		s.mu.Lock()
		raw.WriteString(line)
		s.mu.Unlock()
		return
	}
	rw := &rawWriter{ResponseWriter: w}
	respond(rw, r, place, k, v, parts)
	s.mu.Lock()
	fmt.Fprintf(raw, "%s %d %s\n", r.Proto, rw.status, http.StatusText(rw.status))
	writeHeader(raw, w.Header())
	fmt.Fprintf(raw, "\n%s\n\n", rw.body.Bytes())
	s.mu.Unlock()
}

func (s *server) rawOf(c string) *bytes.Buffer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.raw[c] == nil {
		s.raw[c] = new(bytes.Buffer)
	}
	return s.raw[c]
}

// writeRaw writes the traffic of each case to dir/raw/<place>__<kind>.txt.
func (s *server) writeRaw(dir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Join(dir, "raw"), 0o700); err != nil {
		return err
	}
	for c, b := range s.raw {
		if err := os.WriteFile(rawFile(dir, c), b.Bytes(), 0o600); err != nil {
			return err
		}
	}
	return nil
}

func rawFile(dir, c string) string {
	return filepath.Join(dir, "raw", strings.ReplaceAll(c, "/", "__")+".txt")
}

func writeHeader(w io.Writer, h http.Header) {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range h[n] {
			fmt.Fprintf(w, "%s: %s\n", n, v)
		}
	}
}

// rawWriter keeps the status and the body a handler writes, before gzip.
type rawWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *rawWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *rawWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// respond writes the response that plants v of kind k in place.
func respond(w *rawWriter, r *http.Request, place string, k kind, v string, parts []string) {
	jsonDoc := func() []byte {
		b, _ := json.Marshal(map[string]any{"data": map[string]any{"id": 7, k.fieldName(): k.inText(v)}})
		return b
	}
	switch place {
	case "json":
		w.Header().Set("Content-Type", "application/json")
		w.Write(jsonDoc())
	case "json-text":
		// A text of several lines in a JSON string: the token follows the
		// escape \n.
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]string{"message": "Your new credential:\n" + k.inText(v) + "\nKeep it safe."})
		w.Write(b)
	case "ndjson":
		w.Header().Set("Content-Type", "application/x-ndjson")
		line, _ := json.Marshal(map[string]string{k.fieldName(): k.inText(v)})
		fmt.Fprintf(w, "{\"event\":\"start\"}\n%s\n{\"event\":\"end\"}\n", line)
	case "gzip-response":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(jsonDoc())
		zw.Close()
		w.ResponseWriter.Write(b.Bytes())
		w.status = http.StatusOK
		w.body.Write(jsonDoc()) // the raw traffic, decoded
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Your new credential:\n%s\nKeep it safe.\n", k.inText(v))
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		e := html.EscapeString(k.inText(v))
		fmt.Fprintf(w, "<!doctype html>\n<html><body>\n<p>Your new credential:</p>\n<pre>%s</pre>\n<input type=\"hidden\" name=\"%s\" value=\"%s\">\n</body></html>\n", e, k.fieldName(), e)
	case "xml":
		w.Header().Set("Content-Type", "application/xml")
		var b bytes.Buffer
		xmlEscape(&b, k.inText(v))
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Result>\n<Value>%s</Value>\n<Credential kind=\"%s\" value=\"%s\"/>\n</Result>\n", b.Bytes(), k.fieldName(), b.Bytes())
	case "sse":
		w.Header().Set("Content-Type", "text/event-stream")
		data, _ := json.Marshal(map[string]string{"text": k.inText(v)})
		fmt.Fprintf(w, "event: ping\ndata: {}\n\nevent: message\ndata: %s\n\n", data)
	case "header":
		w.Header().Set("X-Request-Context", k.inText(v))
		w.Write([]byte("ok\n"))
	case "set-cookie":
		w.Header().Add("Set-Cookie", "theme=dark; Path=/")
		w.Header().Add("Set-Cookie", k.fieldName()+"="+v+"; Path=/; HttpOnly; Secure")
		w.Write([]byte("ok\n"))
	case "redirect":
		if len(parts) == 3 && parts[2] == "cb" {
			w.Write([]byte("signed in\n"))
			return
		}
		http.Redirect(w, r, "/case/redirect/"+k.id+"/cb?"+k.query(v), http.StatusFound)
	default: // the request carried it
		w.Write([]byte("ok\n"))
	}
}

func xmlEscape(w *bytes.Buffer, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	w.WriteString(r.Replace(s))
}

// request makes the request that plants v of kind k in place, against
// base, and says whether the client must get an error.
func request(base, place string, k kind, v string) (*http.Request, bool) {
	u := base + "/case/" + place + "/" + k.id
	method, ctype := http.MethodGet, ""
	var body []byte
	switch place {
	case "path":
		u = base + (&url.URL{Path: "/case/path/" + k.id + "/" + strings.TrimPrefix(v, "https://")}).EscapedPath()
	case "query":
		u += "?" + k.query(v)
	case "form", "gzip-request":
		method, ctype = http.MethodPost, "application/x-www-form-urlencoded"
		body = []byte("grant_type=client_credentials&" + k.query(v))
	case "multipart":
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("grant_type", "client_credentials")
		mw.WriteField(k.fieldName(), k.inText(v))
		mw.Close()
		method, ctype, body = http.MethodPost, mw.FormDataContentType(), b.Bytes()
	}
	if place == "gzip-request" {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	switch place {
	case "gzip-request":
		req.Header.Set("Content-Encoding", "gzip")
	case "gzip-response":
		req.Header.Set("Accept-Encoding", "gzip") // the client reads the gzip itself
	case "request-header":
		if k.id == "authorization" {
			req.Header.Set("Authorization", "Bearer "+v)
		} else {
			req.Header.Set("X-Request-Context", k.inText(v))
		}
	case "cookie":
		req.Header.Set("Cookie", "theme=dark; "+k.fieldName()+"="+v)
	}
	return req, place == "error"
}

// lines returns the line numbers of text that hold s, 1 first.
func lines(text, s string) []int {
	var out []int
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), s) {
			out = append(out, n)
		}
	}
	return out
}
