// Package secretoracle checks dvd's promise that a cassette never holds a
// credential with an outside judge: gitleaks, the public secret scanner,
// used as a library with its default rules. Its tests make up secrets of
// every kind dvd claims to redact (random, at run time, never real), prove
// that gitleaks finds each in the raw traffic, plant them in real requests
// and responses through a real client and server on loopback, record and
// replay them with dvdtest, and run gitleaks over the cassettes, their
// decoded forms, `dvd export` of each and the whole test log: it must find
// nothing.
//
// It is a module of its own so that gitleaks and its dependencies never
// become dvd's. It has no code outside its tests.
package secretoracle
