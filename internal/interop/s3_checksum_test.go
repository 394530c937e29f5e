package interop

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/dvdrw/dvd/dvdtest"
)

// TestS3ChecksumOfARedactedObject gets a JSON object that holds a password,
// with its x-amz-checksum-crc32, which the SDK checks: dvd stores the
// object redacted, and the SDK accepts the replayed one, whose checksum
// dvd recomputed for the bytes it replays.
func TestS3ChecksumOfARedactedObject(t *testing.T) {
	object := []byte(`{"user":"ann","password":"hunter2-correct-horse-battery"}`)
	sum := base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(object)))
	srv, backend := newS3(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/user.json") {
				w.Header().Set("X-Amz-Checksum-Crc32", sum)
			}
			next.ServeHTTP(w, r)
		})
	})
	if _, err := backend.PutObject(s3Bucket, "user.json", map[string]string{"Content-Type": "application/json"}, bytes.NewReader(object), int64(len(object)), nil); err != nil {
		t.Fatal(err)
	}
	rec := recordReplay(t, "s3/checksum_redacted", srv, func(t *testing.T, d *dvdtest.DVD) string {
		c := newS3Client(srv.URL, sdkClient(t, d))
		get, err := c.GetObject(t.Context(), &s3.GetObjectInput{
			Bucket: aws.String(s3Bucket), Key: aws.String("user.json"), ChecksumMode: types.ChecksumModeEnabled,
		})
		if err != nil {
			t.Fatalf("GetObject: %v", brief(err))
		}
		got, err := io.ReadAll(get.Body)
		get.Body.Close()
		if err != nil {
			t.Fatalf("GetObject: reading the body, which the SDK checks against x-amz-checksum-crc32: %v", brief(err))
		}
		if aws.ToString(get.ChecksumCRC32) == "" {
			t.Errorf("GetObject: no x-amz-checksum-crc32, so nothing was checked")
		}
		if !strings.Contains(string(got), `"user":"ann"`) {
			t.Errorf("GetObject: %q", got)
		}
		return "ok"
	})
	rec.assertNoSecrets(t, secret{"the password in the object", "hunter2-correct-horse-battery"})
}
