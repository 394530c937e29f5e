// Package interop runs real SDKs against real server implementations,
// in process on loopback, through dvd: each test records, stops the server,
// replays, replays again as CI does, and looks for credentials in the
// cassette. It is a module of its own so that the SDKs never become
// dependencies of dvd.
package interop
