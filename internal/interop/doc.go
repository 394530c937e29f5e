// Package interop tests dvd against real third-party code, in process on
// loopback: real servers (go-httpbin) and the real SDKs that users hand a
// DVD to. It is a module of its own so that their dependencies never become
// dvd's: a test belongs here when it needs a dependency the library must
// not have. It has no code outside its tests.
package interop
