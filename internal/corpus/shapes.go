package corpus

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// A Shape is the statistics of a real suite of go-vcr cassettes, from
// which Generate makes a suite of the same shape: how many cassettes,
// how many interactions each, how many headers, how large and of what kind
// the response bodies are. Shapes holds the four of
// ../shared/corpus-shapes.md (issue 20).
type Shape struct {
	Name      string // "A", "B", "C", "large"
	Cassettes int    // cassettes in the suite
	Host      string // where its requests go
	// Interactions per cassette: median, 90th percentile, maximum, and
	// the mean the real suite has (a check of the draw, not an input).
	PerP50, PerP90, PerMax int
	PerMean                float64
	// Headers per request and per response, on average.
	ReqHeaders, RespHeaders float64
	// Response body bytes, over the bodies that are not empty: 50th, 90th
	// and 99th percentiles and the maximum.
	BodyP50, BodyP90, BodyP99, BodyMax int
	// Kinds is the share of each kind of response body, in percent.
	Kinds map[Kind]float64
}

// A Kind is what a response body holds.
type Kind int

// The kinds of response bodies of the real suites.
const (
	Empty        Kind = iota
	JSONCompact       // one line, no spaces: json.Marshal
	JSONPython        // one line, ", " and ": ": Python's json.dumps
	JSONIndented      // several lines: json.MarshalIndent with two spaces
	Text              // plain text
	XML
)

var kindNames = [...]string{"empty", "json-compact", "json-python-spaced", "json-indented", "text", "xml"}

// String returns the kind's name as corpus-shapes.md writes it.
func (k Kind) String() string { return kindNames[k] }

// Shapes are the four suites of corpus-shapes.md: three of many small
// cassettes (API clients and a Terraform tool) and one of large ones (a
// Terraform provider).
var Shapes = []Shape{
	{
		Name: "A", Cassettes: 2285, Host: "https://api.monitoring.example",
		PerP50: 1, PerP90: 4, PerMax: 107, PerMean: 2.0,
		ReqHeaders: 2.0, RespHeaders: 2.2,
		BodyP50: 150, BodyP90: 1475, BodyP99: 48689, BodyMax: 710376,
		Kinds: map[Kind]float64{JSONCompact: 77.8, Empty: 17.0, JSONPython: 5.0, Text: 0.1},
	},
	{
		Name: "B", Cassettes: 396, Host: "https://api.hosting.example",
		PerP50: 4, PerP90: 13, PerMax: 130, PerMean: 7.0,
		ReqHeaders: 3.2, RespHeaders: 20.1,
		BodyP50: 468, BodyP90: 2507, BodyP99: 39853, BodyMax: 235290,
		Kinds: map[Kind]float64{JSONPython: 81.5, JSONCompact: 18.3, Empty: 0.1},
	},
	{
		Name: "C", Cassettes: 237, Host: "https://api.edge.example",
		PerP50: 1, PerP90: 2, PerMax: 6, PerMean: 1.3,
		ReqHeaders: 4.1, RespHeaders: 3.7,
		BodyP50: 651, BodyP90: 2430, BodyP99: 4781, BodyMax: 7652,
		Kinds: map[Kind]float64{JSONIndented: 95.9, JSONCompact: 3.5, Text: 0.6},
	},
	{
		Name: "large", Cassettes: 869, Host: "https://api.cloud.example",
		PerP50: 27, PerP90: 92, PerMax: 675, PerMean: 39.9,
		ReqHeaders: 1.6, RespHeaders: 7.1,
		BodyP50: 482, BodyP90: 2389, BodyP99: 48625, BodyMax: 180667,
		Kinds: map[Kind]float64{JSONCompact: 63.9, JSONPython: 21.6, XML: 7.9, Empty: 6.5, Text: 0.1},
	},
}

// ShapeNamed returns the shape of Shapes with that name.
func ShapeNamed(name string) (Shape, bool) {
	for _, s := range Shapes {
		if s.Name == name {
			return s, true
		}
	}
	return Shape{}, false
}

// Generate returns the first n cassettes of the suite of shape s made from
// seed (n at most s.Cassettes gives a prefix of the whole suite). The same
// seed gives the same interactions.
func (s Shape) Generate(seed uint64, n int) [][]cassette.Interaction {
	stream := uint64(len(s.Name))<<32 | uint64(s.Cassettes)
	g := &shaper{s: s, rng: rand.New(rand.NewPCG(seed, stream)), sizes: rand.New(rand.NewPCG(seed, ^stream))}
	out := make([][]cassette.Interaction, n)
	for i := range out {
		out[i] = g.cassette(i)
	}
	return out
}

type shaper struct {
	s     Shape
	rng   *rand.Rand
	sizes *rand.Rand // body sizes, drawn apart from the bodies' contents
	words []string   // this cassette's resource names
}

// count draws how many interactions a cassette holds: log-normal through
// the median and the 90th percentile, rounded up, at least 1, at most the
// maximum.
func (g *shaper) count() int {
	// Rounded up, a draw has the median and percentile of one half less
	// (three quarters for a median of 1, so that about half the cassettes
	// hold one interaction).
	m, p90 := float64(g.s.PerP50)-0.5, float64(g.s.PerP90)-0.5
	if g.s.PerP50 == 1 {
		m = 0.75
	}
	sigma := math.Log(p90/m) / 1.2816
	n := int(math.Ceil(m * math.Exp(sigma*g.rng.NormFloat64())))
	return min(max(n, 1), g.s.PerMax)
}

// bodySize draws the size of a body that is not empty: the inverse of a
// distribution that is log-linear between the percentiles of the shape.
// The shapes give none below the median: the 5th percentile is taken as an
// eighth of it, so that sizes are not sparse around the median.
func (g *shaper) bodySize() int {
	pts := [...]struct{ q, v float64 }{
		{0, 2}, {0.05, float64(g.s.BodyP50) / 8}, {0.5, float64(g.s.BodyP50)}, {0.9, float64(g.s.BodyP90)},
		{0.99, float64(g.s.BodyP99)}, {1, float64(g.s.BodyMax)},
	}
	u := g.sizes.Float64()
	for i := 1; i < len(pts); i++ {
		if u <= pts[i].q {
			a, b := pts[i-1], pts[i]
			f := (u - a.q) / (b.q - a.q)
			return int(math.Exp(math.Log(a.v) + f*(math.Log(b.v)-math.Log(a.v))))
		}
	}
	return g.s.BodyMax
}

func (g *shaper) kind() Kind {
	u, acc := g.rng.Float64()*100, 0.0
	for k := Empty; k <= XML; k++ {
		if p, ok := g.s.Kinds[k]; ok {
			acc += p
			if u < acc {
				return k
			}
		}
	}
	return JSONCompact
}

// headerCount draws a count around mean: its floor or its ceiling, so that
// the counts average mean, and sometimes one or two fewer or more.
func (g *shaper) headerCount(mean float64) int {
	n := int(mean)
	if g.rng.Float64() < mean-float64(n) {
		n++
	}
	switch r := g.rng.IntN(10); {
	case r == 0 && n > 1:
		n--
	case r == 1:
		n++
	}
	return n
}

var (
	requestHeaders = [][2]string{
		{"Accept", "application/json"},
		{"User-Agent", "example-sdk-go/2.31.0 (go1.24.1; linux/amd64)"},
		{"Content-Type", "application/json"},
		{"Accept-Encoding", "gzip"},
		{"X-Client-Version", "2.31.0"},
		{"X-Request-Source", "terraform"},
	}
	responseHeaders = [][2]string{
		{"Content-Type", "application/json"},
		{"Date", ""}, // the time of the interaction
		{"X-Request-Id", ""},
		{"Cache-Control", "private, max-age=0, s-maxage=0, no-cache, no-store"},
		{"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
		{"Vary", "Accept-Encoding"},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Access-Control-Allow-Origin", "*"},
		{"Access-Control-Allow-Methods", "HEAD, GET, OPTIONS, POST, PUT, DELETE"},
		{"Access-Control-Allow-Headers", "Authorization, Origin, X-Requested-With, Content-Type, Accept, X-Filter"},
		{"Access-Control-Expose-Headers", "X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Status"},
		{"Content-Security-Policy", "default-src 'none'"},
		{"X-Accepted-Oauth-Scopes", "linodes:read_only"},
		{"X-Oauth-Scopes", "*"},
		{"X-Ratelimit-Limit", "400"},
		{"X-Ratelimit-Remaining", ""},
		{"X-Ratelimit-Reset", ""},
		{"Retry-After", "119"},
		{"X-Spec-Version", "4.176.0"},
		{"X-Xss-Protection", "1; mode=block"},
		{"Server", "nginx"},
		{"Connection", "keep-alive"},
		{"Access-Control-Allow-Credentials", "true"},
		{"X-Customer-Uuid", ""},
		{"Pragma", "no-cache"},
	}
	collections = []string{"servers", "volumes", "monitors", "dashboards", "domains", "records", "ips", "images", "networks", "users"}
)

func (g *shaper) cassette(i int) []cassette.Interaction {
	n := g.count()
	g.words = g.words[:0]
	for range 1 + g.rng.IntN(4) {
		g.words = append(g.words, "tf-test-"+strconv.Itoa(g.rng.IntN(1e6)))
	}
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	ins := make([]cassette.Interaction, n)
	for j := range ins {
		ins[j] = g.interaction(start.Add(time.Duration(j) * 700 * time.Millisecond))
	}
	return ins
}

func (g *shaper) interaction(at time.Time) cassette.Interaction {
	coll := collections[g.rng.IntN(len(collections))]
	url := g.s.Host + "/v4/" + coll
	method := http.MethodGet
	switch r := g.rng.IntN(100); {
	case r < 15:
		method = http.MethodPost
	case r < 22:
		method = http.MethodPut
		url += "/" + strconv.Itoa(g.rng.IntN(1e8))
	case r < 28:
		method = http.MethodDelete
		url += "/" + strconv.Itoa(g.rng.IntN(1e8))
	case r < 60:
		url += "/" + strconv.Itoa(g.rng.IntN(1e8))
	default:
		url += "?page=" + strconv.Itoa(1+g.rng.IntN(3)) + "&page_size=100"
	}
	req := cassette.Request{Method: method, URL: url, Header: http.Header{}}
	for k := range min(g.headerCount(g.s.ReqHeaders), len(requestHeaders)) {
		req.Header[requestHeaders[k][0]] = []string{requestHeaders[k][1]}
	}
	if method == http.MethodPost || method == http.MethodPut {
		req.Body = g.object(nil, 60+g.rng.IntN(300))
	}
	kind := g.kind()
	var body []byte
	code := 200
	switch kind {
	case Empty:
		code = 204
	case Text:
		body = g.text(g.bodySize())
		code = 404
	case XML:
		body = g.xml(g.bodySize())
	default:
		body = g.json(g.bodySize(), kind)
	}
	resp := &cassette.Response{
		StatusCode: code, Status: statusLine(code), Proto: "HTTP/1.1",
		Header: http.Header{}, Body: body, ContentLength: int64(len(body)),
	}
	for k := range min(g.headerCount(g.s.RespHeaders), len(responseHeaders)) {
		name, v := responseHeaders[k][0], responseHeaders[k][1]
		switch name {
		case "Date":
			v = at.Format(http.TimeFormat)
		case "X-Request-Id", "X-Customer-Uuid":
			v = g.uuid()
		case "X-Ratelimit-Remaining":
			v = strconv.Itoa(g.rng.IntN(400))
		case "X-Ratelimit-Reset":
			v = strconv.FormatInt(at.Unix()+int64(g.rng.IntN(120)), 10)
		case "Content-Type":
			switch kind {
			case Text:
				v = "text/plain; charset=utf-8"
			case XML:
				v = "application/xml"
			}
		}
		resp.Header[name] = []string{v}
	}
	return cassette.Interaction{
		Request: req, Response: resp,
		Duration: time.Duration(50+g.rng.IntN(900)) * time.Millisecond,
	}
}

func (g *shaper) uuid() string {
	const hex = "0123456789abcdef"
	var b [36]byte
	for i := range b {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
		default:
			b[i] = hex[g.rng.IntN(16)]
		}
	}
	return string(b[:])
}

var statuses = []string{"running", "offline", "provisioning", "active", "pending"}

// object appends a compact JSON object of about size bytes: an API
// resource with an id, a label, timestamps, settings and nested objects.
func (g *shaper) object(b []byte, size int) []byte {
	start := len(b)
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(g.rng.IntN(1e8)), 10)
	if size < 40 {
		return append(b, '}')
	}
	b = append(b, `,"label":"`...)
	b = append(b, g.words[g.rng.IntN(len(g.words))]...)
	b = append(b, '"')
	for i := 0; len(b)-start < size-25; i++ { // a member adds about 50 bytes
		b = append(b, `,"`...)
		b = append(b, fields[i%len(fields)]...)
		if i >= len(fields) {
			b = strconv.AppendInt(b, int64(i/len(fields)), 10)
		}
		b = append(b, `":`...)
		switch g.rng.IntN(6) {
		case 0:
			b = strconv.AppendInt(b, int64(g.rng.IntN(100000)), 10)
		case 1:
			b = append(b, `{"enabled":`...)
			b = strconv.AppendBool(b, g.rng.IntN(2) == 0)
			b = append(b, `,"days":`...)
			b = strconv.AppendInt(b, int64(g.rng.IntN(365)), 10)
			b = append(b, `,"window":"W`...)
			b = strconv.AppendInt(b, int64(g.rng.IntN(24)), 10)
			b = append(b, `"}`...)
		case 2:
			b = append(b, `["`...)
			b = append(b, statuses[g.rng.IntN(len(statuses))]...)
			b = append(b, `","`...)
			b = append(b, g.words[g.rng.IntN(len(g.words))]...)
			b = append(b, `"]`...)
		case 3:
			b = append(b, '"')
			b = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(g.rng.IntN(1e7))*time.Second).AppendFormat(b, "2006-01-02T15:04:05")
			b = append(b, '"')
		case 4:
			b = append(b, `null`...)
		default:
			b = append(b, '"')
			b = append(b, statuses[g.rng.IntN(len(statuses))]...)
			b = append(b, '"')
		}
	}
	return append(b, '}')
}

// json returns a JSON body of about size bytes, spaced as kind says: an
// object, or a page of a listing when it is large.
func (g *shaper) json(size int, kind Kind) []byte {
	if kind == JSONCompact {
		return g.compactJSON(size)
	}
	// Draw once to learn what the spacing adds, then again at the size
	// that makes up for it.
	spaced := func(b []byte) []byte {
		if kind == JSONPython {
			return pythonSpaced(b)
		}
		return indent(b)
	}
	first := g.compactJSON(size)
	grown := float64(len(spaced(first))) / float64(len(first))
	return spaced(g.compactJSON(int(float64(size) / grown)))
}

func (g *shaper) compactJSON(size int) []byte {
	var b []byte
	if size < 800 {
		b = g.object(nil, size)
	} else {
		b = append(b, `{"data":[`...)
		each := 300 + g.rng.IntN(400)
		for first := true; len(b) < size-each/2-40; first = false {
			if !first {
				b = append(b, ',')
			}
			b = g.object(b, min(each, size-len(b)-40))
		}
		b = append(b, `],"page":1,"pages":1,"results":`...)
		b = strconv.AppendInt(b, int64(strings.Count(string(b), `{"id":`)), 10)
		b = append(b, '}')
	}
	return b
}

// pythonSpaced spaces the compact JSON b as Python's json.dumps does: a
// space after each comma and colon.
func pythonSpaced(b []byte) []byte {
	out := make([]byte, 0, len(b)*11/10)
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		out = append(out, c)
		switch {
		case in && c == '\\':
			i++
			out = append(out, b[i])
		case c == '"':
			in = !in
		case !in && (c == ',' || c == ':'):
			out = append(out, ' ')
		}
	}
	return out
}

func (g *shaper) text(size int) []byte {
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(statuses[g.rng.IntN(len(statuses))])
		sb.WriteString(": the requested resource was not found ")
		sb.WriteString(g.words[g.rng.IntN(len(g.words))])
		sb.WriteString("\n")
	}
	return []byte(sb.String()[:size])
}

func (g *shaper) xml(size int) []byte {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<ListBucketResult>")
	for sb.Len() < size-20 {
		sb.WriteString("<Contents><Key>")
		sb.WriteString(g.words[g.rng.IntN(len(g.words))])
		sb.WriteString("/object-")
		sb.WriteString(strconv.Itoa(g.rng.IntN(1e6)))
		sb.WriteString("</Key><Size>")
		sb.WriteString(strconv.Itoa(g.rng.IntN(1e7)))
		sb.WriteString("</Size><StorageClass>STANDARD</StorageClass></Contents>")
	}
	sb.WriteString("</ListBucketResult>")
	return []byte(sb.String())
}
