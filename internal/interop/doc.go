// Package interop tests dvd against real third-party code, in process on
// loopback: real servers (go-httpbin, an S3 implementation, an OAuth2
// server) and the real SDKs that users hand a DVD to (aws-sdk-go-v2,
// golang.org/x/oauth2). Each SDK test records, stops the server, replays,
// replays again as CI does, and looks for credentials in the cassette.
//
// It is a module of its own so that these dependencies never become dvd's:
// a test belongs here when it needs a dependency the library must not have.
// It has no code outside its tests.
package interop
