// Package s3store keeps dvd's cassettes in an S3 bucket, or any store
// that speaks S3 and honours conditional writes, so that CI machines share
// them: a recording made once replays on every shard and every later run.
//
// A cassette is the object prefix+name, name being its name with
// extension (github/list_repos.dvd.json, or .zst, .gz), holding the bytes
// its file would hold: copy cassettes with the stores' own tools,
//
//	aws s3 cp --recursive testdata/ s3://bucket/prefix/ --exclude '*' --include '*.dvd.json*'
//
// A save is a PutObject conditional on the ETag the recording loaded
// (If-Match), or on there being no object (If-None-Match: *), so that two
// machines saving one cassette at once never lose a recording without a
// word (see cassette.Cassette.SaveTo). S3 has honoured both since 2024; a
// store that ignores them saves the last write, silently.
//
// Importing the package registers the scheme s3 with cassette.OpenStore,
// for DVD_STORE:
//
//	DVD_STORE='s3://bucket/prefix/?region=eu-west-1' go test ./...
//
// with the default AWS configuration (environment, shared files, roles),
// and optional query parameters region=, endpoint= (an S3-compatible
// server's URL) and path_style=true.
package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/dvdrw/dvd/cassette"
)

func init() { cassette.RegisterStore("s3", open) }

// New returns a store that keeps each cassette as the object prefix+name
// of bucket. prefix is taken as it is: end it with / to make it a folder,
// such as "dvd/".
func New(client *s3.Client, bucket, prefix string) cassette.Store {
	return &store{client: client, bucket: bucket, prefix: prefix}
}

type store struct {
	client         *s3.Client
	bucket, prefix string
}

// Where returns s3://bucket/prefixname.
func (s *store) Where(name string) string { return "s3://" + s.bucket + "/" + s.prefix + name }

// Load gets the object; its version is its ETag.
func (s *store) Load(ctx context.Context, name string) ([]byte, string, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + name)})
	if err != nil {
		if status(err) == http.StatusNotFound && !noBucket(err) {
			return nil, "", &fs.PathError{Op: "load", Path: s.Where(name), Err: fs.ErrNotExist}
		}
		return nil, "", s.unreachable(err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, "", s.unreachable(err)
	}
	return data, aws.ToString(out.ETag), nil
}

// Save puts the object if its ETag is still ifVersion, or if there is
// none when ifVersion is "": one round trip.
func (s *store) Save(ctx context.Context, name string, data []byte, ifVersion string) (string, error) {
	in := &s3.PutObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + name), Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data)))}
	if ifVersion == "" {
		in.IfNoneMatch = aws.String("*")
	} else {
		in.IfMatch = aws.String(ifVersion)
	}
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		switch status(err) {
		case http.StatusPreconditionFailed, http.StatusConflict:
			return "", fmt.Errorf("%w: %s is no longer at version %s", cassette.ErrChanged, s.Where(name), cmpOr(ifVersion, "(none)"))
		case http.StatusNotFound:
			if !noBucket(err) { // If-Match on an object removed meanwhile
				return "", fmt.Errorf("%w: %s is gone", cassette.ErrChanged, s.Where(name))
			}
		}
		return "", s.unreachable(err)
	}
	return aws.ToString(out.ETag), nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// status returns the HTTP status of an S3 error, or 0.
func status(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// noBucket reports an error that says the bucket does not exist.
func noBucket(err error) bool {
	var code interface{ ErrorCode() string }
	return errors.As(err, &code) && code.ErrorCode() == "NoSuchBucket"
}

func (s *store) unreachable(err error) error {
	return fmt.Errorf("the S3 bucket %s: %w: check the endpoint and region, that the bucket exists, "+
		"and that the credentials may read and write it (DVD_STORE, or the client given to s3store.New)", s.bucket, err)
}

// open makes the store of a DVD_STORE URL, s3://bucket/prefix, with the
// default AWS configuration.
func open(u *url.URL) (cassette.Store, error) {
	if u.Host == "" {
		return nil, errors.New("s3store: the URL names no bucket: give s3://bucket/prefix/")
	}
	q := u.Query()
	var opts []func(*config.LoadOptions) error
	if r := q.Get("region"); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("s3store: the AWS configuration: %v", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if e := q.Get("endpoint"); e != "" {
			o.BaseEndpoint = aws.String(e)
		}
		o.UsePathStyle = q.Get("path_style") == "true"
	})
	return New(client, u.Host, strings.TrimPrefix(u.Path, "/")), nil
}
