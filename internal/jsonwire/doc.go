// Package jsonwire reads and writes the JSON of cassette files: the wire
// syntax, with no dvd types.
//
// It holds a strict, fast parser ([Parser]: strings, numbers, escapes,
// errors placed at a line and column, truncation), a [Writer] that indents
// two spaces a level and writes any bytes losslessly ({"latin1": "…"} for
// texts that are not UTF-8), the storage of HTTP bodies (as text, base64,
// or JSON laid out a member a line, with how it was spaced kept so that it
// replays byte for byte), and the generic schema ([Object], [Field]) from
// which one declaration makes both the writer and the reader of a type,
// with tables of values that a document holds once and names elsewhere
// ([Table]).
//
// Package cassette declares which member of the file holds which field of
// its model; this package knows none of its types. It does know the
// members in which a body is stored ("body", "body_base64", "body_json"
// and the members of its spacing), since [Body] chooses among them by the
// body's bytes.
package jsonwire
