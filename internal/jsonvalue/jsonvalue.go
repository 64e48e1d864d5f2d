// Package jsonvalue decodes one JSON value as the model wrote it: numbers
// as json.Number, so that an integer past float64's 2^53 keeps its digits.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Decode decodes raw, one JSON value, into nil, bool, json.Number, string,
// []any or map[string]any. It fails on invalid JSON and on data after the
// value.
func Decode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid data after the top-level value")
	}
	return v, nil
}
