// Package corpus generates the traffic the benchmarks of every package
// measure, so that their figures speak of the same traffic: a suite of
// cassettes shaped like the traffic of a real cloud provider's test suite
// (Generate, SuiteFiles), so that benchmarks of loading, replaying, saving
// and compressing speak of what users record, and small uniform GETs
// (SmallGETs) for the figures per request; and the four suites of
// Shapes (issue 20: three of many small cassettes, one of large ones), each
// generated with the statistics of a real go-vcr suite, which bench/govcr
// measures side by side with go-vcr. Only _test.go files import it.
//
// It is apart from internal/testsupport because it is made of cassette's
// types: the tests inside package cassette cannot import it.
//
// The shape is that of 869 go-vcr cassettes a public project recorded
// against a real cloud API (34,643 interactions): interactions per cassette
// p50 27, p90 92, max 675; response bodies p50 521 B, p90 2.4 KB, p99
// 58 KB, max 180 KB, mean 2.9 KB; 64% of response bodies JSON (nested
// objects, arrays of objects, ids, timestamps), 31% text or empty, a few
// binary; about 7 response headers and 1 to 3 request headers; most
// requests GET, a third with a JSON body. Long-running operations are
// polled: a cassette repeats GETs of the same URL until the operation ends.
//
// The same seed gives the same corpus, byte for byte.
package corpus

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// Suite is the number of cassettes in the suite whose shape the corpus
// follows.
const Suite = 869

// Host is where the corpus's requests go.
const Host = "https://management.cloud.example"

// Generate returns n cassettes' interactions, generated from seed.
func Generate(seed uint64, n int) [][]cassette.Interaction {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	for range 300 {
		g.vocab = append(g.vocab, g.randomWord(3+g.rng.IntN(8)))
	}
	out := make([][]cassette.Interaction, n)
	for i := range out {
		out[i] = g.cassette(i)
	}
	return out
}

type generator struct {
	rng   *rand.Rand
	buf   []byte
	vocab []string // the words values are made of, the same across the suite
	// what a cassette's requests share: real tests create a few resources
	// and read them again and again
	sub, group string
	names      []string
	seen       map[int][]byte // JSON bodies by size class: reads of a resource repeat what it was
	settings   uint64         // the seed of the settings its resources share
}

// logNormal draws from the log-normal distribution with median m whose
// 90th percentile is p90.
func (g *generator) logNormal(m, p90 float64) float64 {
	sigma := math.Log(p90/m) / 1.2816
	return m * math.Exp(sigma*g.rng.NormFloat64())
}

func (g *generator) cassette(i int) []cassette.Interaction {
	n := min(max(int(g.logNormal(27, 92)), 1), 675)
	g.group = "acctest-rg-" + strconv.Itoa(100000+g.rng.IntN(900000))
	g.sub = g.uuid()
	g.names = g.names[:0]
	g.seen = map[int][]byte{}
	g.settings = g.rng.Uint64()
	for range 2 + g.rng.IntN(8) {
		g.names = append(g.names, "acctest"+g.randomWord(6)+strconv.Itoa(g.rng.IntN(100000)))
	}
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	ins := make([]cassette.Interaction, 0, n)
	for len(ins) < n {
		kind := g.resourceKind()
		name := g.names[g.rng.IntN(len(g.names))]
		path := "/subscriptions/" + g.sub + "/resourceGroups/" + g.group + "/providers/" + kind + "/" + name
		url := Host + path + "?api-version=2024-0" + strconv.Itoa(1+g.rng.IntN(9)) + "-01"
		at := start.Add(time.Duration(len(ins)) * 3 * time.Second)
		switch r := g.rng.IntN(100); {
		case r < 35:
			// Create, then poll the operation until it ends.
			ins = append(ins, g.interaction("PUT", url, g.jsonBody(3), at))
			op := Host + path + "/operations/" + g.uuid() + "?api-version=2024-01-01"
			for polls := g.rng.IntN(6); polls > 0 && len(ins) < n; polls-- {
				ins = append(ins, g.interaction("GET", op, nil, at))
			}
		case r < 40:
			ins = append(ins, g.interaction("DELETE", url, nil, at))
		case r < 55:
			ins = append(ins, g.interaction("POST", url, g.jsonBody(2), at))
		default:
			ins = append(ins, g.interaction("GET", url, nil, at))
		}
	}
	return ins[:n]
}

var resourceKinds = []string{
	"Microsoft.Storage/storageAccounts", "Microsoft.Network/virtualNetworks",
	"Microsoft.Compute/virtualMachines", "Microsoft.KeyVault/vaults",
	"Microsoft.Web/sites", "Microsoft.Sql/servers", "Microsoft.ContainerService/managedClusters",
}

func (g *generator) resourceKind() string { return resourceKinds[g.rng.IntN(len(resourceKinds))] }

func (g *generator) interaction(method, url string, reqBody []byte, at time.Time) cassette.Interaction {
	req := cassette.Request{Method: method, URL: url, Header: http.Header{
		"Accept": {"application/json"},
	}}
	if g.rng.IntN(2) == 0 {
		req.Header.Set("User-Agent", "cloud-sdk-go/1.4.2 (go1.24; linux)")
	}
	if reqBody != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Body = reqBody
	}
	code, body, ctype := g.responseBody(method)
	resp := &cassette.Response{
		StatusCode: code, Status: statusLine(code), Proto: "HTTP/2.0",
		Header: http.Header{
			"Cache-Control":                  {"no-cache"},
			"Date":                           {at.Format(http.TimeFormat)},
			"Strict-Transport-Security":      {"max-age=31536000; includeSubDomains"},
			"X-Content-Type-Options":         {"nosniff"},
			"X-Ms-Request-Id":                {g.uuid()},
			"X-Ms-Correlation-Request-Id":    {g.uuid()},
			"X-Ms-Ratelimit-Remaining-Reads": {strconv.Itoa(11999 - g.rng.IntN(500))},
		},
		Body:          body,
		ContentLength: int64(len(body)),
	}
	if ctype != "" {
		resp.Header.Set("Content-Type", ctype)
	}
	return cassette.Interaction{
		Request:  req,
		Response: resp,
		Duration: time.Duration(g.logNormal(180, 900)*1000) * time.Microsecond,
	}
}

func statusLine(code int) string { return strconv.Itoa(code) + " " + http.StatusText(code) }

// responseBody draws a response: 65% JSON, 34% text or empty, 1% binary,
// with the sizes of the real suite.
func (g *generator) responseBody(method string) (code int, body []byte, ctype string) {
	size := g.bodySize()
	switch r := g.rng.IntN(100); {
	case r < 65:
		code = 200
		if method == "PUT" {
			code = 201
		}
		return code, g.jsonSized(size), "application/json; charset=utf-8"
	case r < 81:
		if method == "DELETE" {
			return 202, nil, ""
		}
		return 204, nil, ""
	case r < 99:
		if g.rng.IntN(3) == 0 {
			return 404, []byte("The resource was not found.\n"), "text/plain; charset=utf-8"
		}
		return 200, g.text(size), "application/xml"
	default:
		return 200, g.binary(size), "application/octet-stream"
	}
}

// bodySize draws a response body's size: log-normal around 521 bytes, with
// a heavier tail of large listings up to 180 KB.
func (g *generator) bodySize() int {
	var s float64
	if g.rng.IntN(100) < 5 {
		s = g.logNormal(34000, 100000)
	} else {
		s = g.logNormal(500, 1900)
	}
	return min(max(int(s), 20), 165000)
}

// jsonSized returns a JSON document of about size bytes: an object, or a
// listing whose "value" is an array of objects. Some servers indent.
func (g *generator) jsonSized(size int) []byte {
	class := int(math.Log(float64(size)) / math.Log(1.3))
	if b, ok := g.seen[class]; ok && g.rng.IntN(100) < 90 {
		return append([]byte(nil), b...)
	}
	b := g.freshJSON(size)
	g.seen[class] = b
	return b
}

func (g *generator) freshJSON(size int) []byte {
	indented := g.rng.IntN(4) == 0
	if indented {
		size = size * 2 / 3 // what indenting adds
	}
	b := g.buf[:0]
	if size < 1500 {
		b = g.object(b, rand.New(rand.NewPCG(g.settings, uint64(size))), size)
	} else {
		// The resources of a listing are alike: the same kind, the same
		// settings, other names and etags.
		b = append(b, `{"value":[`...)
		seed, each := g.rng.Uint64(), 500+g.rng.IntN(400)
		for first := true; len(b) < size-700; first = false {
			if !first {
				b = append(b, ',')
			}
			b = g.object(b, rand.New(rand.NewPCG(seed, 1)), each)
		}
		b = append(b, `],"nextLink":null}`...)
	}
	g.buf = b
	out := append([]byte(nil), b...)
	if indented {
		return indent(out)
	}
	return out
}

func (g *generator) jsonBody(depth int) []byte {
	size := 50 + depth*50 + g.rng.IntN(400)
	return append([]byte(nil), g.object(nil, rand.New(rand.NewPCG(g.settings, uint64(size))), size)...)
}

// object appends a resource of about size bytes, its settings drawn from
// props.
func (g *generator) object(b []byte, props *rand.Rand, size int) []byte {
	start := len(b)
	kind, name := g.resourceKind(), g.names[g.rng.IntN(len(g.names))]
	b = append(b, `{"id":"/subscriptions/`...)
	b = append(b, g.sub...)
	b = append(b, `/resourceGroups/`...)
	b = append(b, g.group...)
	b = append(b, `/providers/`...)
	b = append(b, kind...)
	b = append(b, '/')
	b = append(b, name...)
	b = append(b, `","name":"`...)
	b = append(b, name...)
	b = append(b, `","type":"`...)
	b = append(b, kind...)
	b = append(b, `","location":"westeurope","etag":"W/\"`...)
	b = append(b, g.uuid()...)
	b = append(b, `\"","properties":{"provisioningState":"Succeeded","createdAt":"`...)
	b = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(g.rng.IntN(1e6))*time.Second).AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","enabled":`...)
	b = strconv.AppendBool(b, props.IntN(2) == 0)
	b = append(b, `,"capacity":`...)
	b = strconv.AppendInt(b, int64(props.IntN(4096)), 10)
	for i := 0; len(b)-start < size-40; i++ {
		b = append(b, `,"`...)
		b = append(b, fields[i%len(fields)]...)
		if i >= len(fields) {
			b = strconv.AppendInt(b, int64(i/len(fields)), 10)
		}
		b = append(b, `":`...)
		switch props.IntN(4) {
		case 0:
			b = strconv.AppendInt(b, int64(props.IntN(100000)), 10)
		case 1:
			b = append(b, `{"enabled":true,"retentionDays":`...)
			b = strconv.AppendInt(b, int64(props.IntN(365)), 10)
			b = append(b, `,"tier":"Standard"}`...)
		case 2:
			b = append(b, `["`...)
			b = append(b, g.wordFrom(props, 5)...)
			b = append(b, `","`...)
			b = append(b, g.wordFrom(props, 7)...)
			b = append(b, `"]`...)
		default:
			b = append(b, '"')
			b = append(b, g.wordFrom(props, 4+props.IntN(24))...)
			b = append(b, '"')
		}
	}
	b = append(b, `},"tags":{"environment":"test","owner":"acctest"}}`...)
	return b
}

var fields = []string{
	"sku", "kind", "accessTier", "minimumTlsVersion", "networkAcls", "encryption",
	"primaryEndpoints", "statusOfPrimary", "creationTime", "addressSpace", "subnets",
	"dnsServers", "osProfile", "hardwareProfile", "storageProfile", "tenantId",
}

// indent spaces a compact JSON document as json.MarshalIndent does with
// two spaces.
func indent(b []byte) []byte {
	out := make([]byte, 0, len(b)*3/2)
	depth, inString := 0, false
	newline := func() {
		out = append(out, '\n')
		for range depth {
			out = append(out, ' ', ' ')
		}
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			switch c {
			case '\\':
				i++
				out = append(out, b[i])
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			out = append(out, c)
		case '{', '[':
			out = append(out, c)
			if i+1 < len(b) && (b[i+1] == '}' || b[i+1] == ']') {
				out = append(out, b[i+1])
				i++
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			out = append(out, c)
		case ',':
			out = append(out, c)
			newline()
		case ':':
			out = append(out, ':', ' ')
		default:
			out = append(out, c)
		}
	}
	return out
}

// text returns an XML document of about size bytes.
func (g *generator) text(size int) []byte {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<EnumerationResults>\n")
	for sb.Len() < size {
		fmt.Fprintf(&sb, "  <Blob><Name>%s/%s.log</Name><Properties><Content-Length>%d</Content-Length><Etag>0x%X</Etag></Properties></Blob>\n",
			g.word(6), g.word(10), g.rng.IntN(1<<10), g.rng.IntN(1<<16))
	}
	sb.WriteString("</EnumerationResults>\n")
	return []byte(sb.String())
}

// binary returns size bytes that compress about as well as a packed file:
// random bytes, a quarter of them drawn from a small set.
func (g *generator) binary(size int) []byte {
	b := make([]byte, size)
	for i := range b {
		if g.rng.IntN(4) == 0 {
			b[i] = byte(g.rng.IntN(8))
		} else {
			b[i] = byte(g.rng.Uint32())
		}
	}
	return b
}

const letters = "abcdefghijklmnopqrstuvwxyz0123456789"

// word returns a word of the suite's vocabulary; n only varies the pick.
func (g *generator) word(n int) string { return g.wordFrom(g.rng, n) }

func (g *generator) wordFrom(r *rand.Rand, n int) string {
	return g.vocab[(r.IntN(len(g.vocab))+n)%len(g.vocab)]
}

func (g *generator) randomWord(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[g.rng.IntN(len(letters))]
	}
	return string(b)
}

func (g *generator) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// SuiteFiles returns the suite of seed 1, Suite cassettes, as the bytes of
// its cassette files, uncompressed, and their total size: what the
// benchmarks of loading and compressing read. It is built once a process;
// tb fails if it cannot be.
func SuiteFiles(tb testing.TB) (files [][]byte, total int64) {
	tb.Helper()
	s := suiteFiles()
	if s.err != nil {
		tb.Fatal(s.err)
	}
	return s.files, s.total
}

var suiteFiles = sync.OnceValue(func() (s struct {
	files [][]byte
	total int64
	err   error
}) {
	for _, ins := range Generate(1, Suite) {
		data, err := cassette.Marshal(cassette.New(ins...))
		if err != nil {
			s.err = err
			return s
		}
		s.files = append(s.files, data)
		s.total += int64(len(data))
	}
	return s
})
