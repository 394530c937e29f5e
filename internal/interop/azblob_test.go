package interop

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
)

const azAccount = "interop"

// azurite returns Azurite's blob service, run by node from
// internal/interop/node_modules, in memory, with one account whose key is
// made up here: the key signs every request and must reach no cassette.
func azurite(t *testing.T) (startFunc, string) {
	t.Helper()
	raw := make([]byte, 64)
	rand.Read(raw)
	key := base64.StdEncoding.EncodeToString(raw)
	s := nodeServer{
		bin: findNodeServer(t, "azurite-blob"),
		args: []string{"--blobHost", "{host}", "--blobPort", "{port}", "--inMemoryPersistence", "--extentMemoryLimit", "64",
			"--disableTelemetry", "--skipApiVersionCheck", "--loose", "--silent"},
		env:   []string{"AZURITE_ACCOUNTS=" + azAccount + ":" + key},
		ready: "Azurite Blob service successfully listens on",
	}
	return s.start, key
}

// newAzblobClient returns a client of the account at endpoint (Azurite's
// URLs hold the account in their path) that sends through hc and never
// retries, so that a request that did not replay fails at once.
func newAzblobClient(t *testing.T, endpoint, key string, hc *http.Client) *azblob.Client {
	t.Helper()
	cred, err := azblob.NewSharedKeyCredential(azAccount, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := azblob.NewClientWithSharedKeyCredential(endpoint+"/"+azAccount+"/", cred, &azblob.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: hc, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAzblob creates a container, uploads a blob with its Content-MD5 and
// metadata, lists it, and downloads it whole and in part, each with the
// Content-MD5 that the service sends.
func TestAzblob(t *testing.T) { testAzblob(t, "azblob/upload_download", lifecycle{}) }

func testAzblob(t *testing.T, name string, how lifecycle) {
	start, key := azurite(t)
	data := offsetLines(300<<10 + 7)
	sum := md5.Sum(data)
	type result struct {
		Blobs       []string
		Got         digest
		ContentMD5  []byte
		Length      int64
		Metadata    map[string]string
		ContentType string
	}
	rec := recordRerecord(t, name, start, how, func(t *testing.T, hc *http.Client, endpoint string) result {
		ctx := t.Context()
		c := newAzblobClient(t, endpoint, key, hc)
		if _, err := c.CreateContainer(ctx, "reports", nil); err != nil {
			t.Fatalf("CreateContainer: %v", brief(err))
		}
		_, err := c.UploadBuffer(ctx, "reports", "2024/lines.txt", data, &azblob.UploadBufferOptions{
			HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr("text/plain"), BlobContentMD5: sum[:]},
			Metadata:    map[string]*string{"owner": to.Ptr("ann")},
		})
		if err != nil {
			t.Fatalf("UploadBuffer: %v", brief(err))
		}
		var r result
		pager := c.NewListBlobsFlatPager("reports", nil)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListBlobsFlat: %v", brief(err))
			}
			for _, b := range page.Segment.BlobItems {
				r.Blobs = append(r.Blobs, *b.Name)
			}
		}
		get, err := c.DownloadStream(ctx, "reports", "2024/lines.txt", nil)
		if err != nil {
			t.Fatalf("DownloadStream: %v", brief(err))
		}
		got, err := io.ReadAll(get.Body)
		get.Body.Close()
		if err != nil {
			t.Fatalf("DownloadStream: reading the body: %v", brief(err))
		}
		if d := diffBytes(got, data); d != "" {
			t.Errorf("DownloadStream: %s", d)
		}
		if sum := md5.Sum(got); string(get.ContentMD5) != string(sum[:]) {
			t.Errorf("DownloadStream: Content-MD5 is %x, the MD5 of the body %x", get.ContentMD5, sum)
		}
		r.Got, r.ContentMD5, r.Length, r.ContentType = digestOf(got), get.ContentMD5, deref(get.ContentLength), deref(get.ContentType)
		r.Metadata = map[string]string{}
		for k, v := range get.Metadata {
			r.Metadata[k] = deref(v)
		}
		// A ranged read whose Content-MD5 the service computes for the range.
		part, err := c.ServiceClient().NewContainerClient("reports").NewBlockBlobClient("2024/lines.txt").DownloadStream(ctx, &blob.DownloadStreamOptions{
			Range: blob.HTTPRange{Offset: 4096, Count: 4096}, RangeGetContentMD5: to.Ptr(true),
		})
		if err != nil {
			t.Fatalf("DownloadStream of a range: %v", brief(err))
		}
		got, err = io.ReadAll(part.Body)
		part.Body.Close()
		if err != nil {
			t.Fatalf("DownloadStream of a range: reading the body: %v", brief(err))
		}
		if d := diffBytes(got, data[4096:8192]); d != "" {
			t.Errorf("DownloadStream of a range: %s", d)
		}
		if sum := md5.Sum(got); string(part.ContentMD5) != string(sum[:]) {
			t.Errorf("DownloadStream of a range: Content-MD5 is %x, the MD5 of the body %x", part.ContentMD5, sum)
		}
		return r
	})
	rec.assertNoSecrets(t, secret{"the Azure account key", key})
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
