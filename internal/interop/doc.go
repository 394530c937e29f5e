// Package interop tests dvd against real third-party code on loopback: real
// servers (go-httpbin, an S3 implementation, an OAuth2 server,
// fake-gcs-server and distribution's registry in process; Azurite and
// dynalite, npm packages, as child processes) and the real SDKs that users
// hand a DVD to (aws-sdk-go-v2 for S3 and DynamoDB, golang.org/x/oauth2,
// azblob, cloud.google.com/go/storage, go-containerregistry). Each SDK test
// records, stops the server, replays, and replays again as CI does, or
// records again over the file and replays that; every response body that
// dvd did not redact must replay byte for byte as the server sent it; and
// no credential may reach a cassette.
//
// It is a module of its own so that these dependencies never become dvd's:
// a test belongs here when it needs a dependency the library must not have.
// It has no code outside its tests. The npm servers are installed by
//
//	npm ci    (in internal/interop; .ci/run does it)
//
// and a test whose server is not installed fails, saying so.
package interop
