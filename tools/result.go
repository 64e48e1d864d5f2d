package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"reflect"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/internal/toolresult"
)

// flatten turns a function's result into the text the model gets.
func flatten(tool string, out any) (string, error) {
	if out == nil {
		return toolresult.NoContent, nil
	}
	rv := reflect.ValueOf(out)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if rv.IsNil() {
			return toolresult.NoContent, nil
		}
	}
	switch v := out.(type) {
	case json.RawMessage:
		if s := string(bytes.TrimSpace(v)); s != "" && s != "null" {
			return s, nil
		}
		return toolresult.NoContent, nil
	case []byte:
		return bytesSummary(v), nil
	case image.Image:
		return imageSummary(tool, v)
	}
	if rv.Kind() == reflect.String {
		if s := rv.String(); s != "" {
			return s, nil
		}
		return toolresult.NoContent, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the model reads <, > and & better as they are
	if err := enc.Encode(out); err != nil {
		return "", fmt.Errorf("tool %s: cannot encode its result as JSON: %w", tool, err)
	}
	s := strings.TrimSuffix(b.String(), "\n")
	if s == "null" {
		return toolresult.NoContent, nil
	}
	return s, nil
}

// bytesSummary describes binary content by its sniffed type and size: an
// image or audio as MCP's image and audio content, anything else by its
// media type alone.
func bytesSummary(b []byte) string {
	if len(b) == 0 {
		return toolresult.NoContent
	}
	mime, _, _ := strings.Cut(http.DetectContentType(b), ";")
	switch {
	case strings.HasPrefix(mime, "image/"):
		return binarySummary("Image "+mime, len(b))
	case strings.HasPrefix(mime, "audio/"):
		return binarySummary("Audio "+mime, len(b))
	}
	return binarySummary(mime, len(b))
}

// imageSummary encodes img as PNG to give its size, as the image content
// of an MCP tool would carry it.
func imageSummary(tool string, img image.Image) (string, error) {
	if img.Bounds().Empty() {
		return toolresult.NoContent, nil
	}
	var n byteCounter
	if err := png.Encode(&n, img); err != nil {
		return "", fmt.Errorf("tool %s: cannot encode its image as PNG: %w", tool, err)
	}
	return binarySummary("Image image/png", int(n)), nil
}

func binarySummary(what string, size int) string {
	return toolresult.Binary(": "+what, size)
}

type byteCounter int

func (n *byteCounter) Write(p []byte) (int, error) {
	*n += byteCounter(len(p))
	return len(p), nil
}
