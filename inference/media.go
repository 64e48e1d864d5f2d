package inference

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/tiny-agents-go/tiny-agents/internal/urlredact"
)

// Media is a binary task input (an image, a sound, a document): bytes, a
// reader, a local file or an http(s) URL. Build one with [FromBytes],
// [FromReader], [FromFile] or [FromURL]. Nothing is read until a call uses
// it; a reader is read once, so a Media built from a reader serves one call.
type Media struct {
	data        []byte
	reader      io.Reader
	path        string
	url         string
	contentType string
}

// FromBytes is a binary input held in memory.
func FromBytes(data []byte) Media { return Media{data: data} }

// FromReader is a binary input read from r when the call is made.
func FromReader(r io.Reader) Media { return Media{reader: r} }

// FromFile is a binary input read from a local file when the call is made.
func FromFile(path string) Media { return Media{path: path} }

// FromURL is a binary input at an http(s) URL, or a data: URL. Providers
// that accept URLs get the URL itself; the others get the bytes, fetched
// when the call is made.
func FromURL(url string) Media { return Media{url: url} }

// WithContentType returns m with its content type set, for inputs whose
// type cannot be told from their name or first bytes.
func (m Media) WithContentType(contentType string) Media {
	m.contentType = contentType
	return m
}

// IsZero reports whether m holds no input at all.
func (m Media) IsZero() bool {
	return m.data == nil && m.reader == nil && m.path == "" && m.url == ""
}

// mediaData is a Media read into memory.
type mediaData struct {
	data        []byte
	contentType string
	url         string // the http(s) URL the input came from, if any
}

// maxMediaBytes bounds a binary input read from a reader; one fetched
// from a URL is bounded by the media limit of [WithMaxResponseBytes].
const maxMediaBytes = 512 << 20

// ErrMedia matches every error about a binary input: a missing file, an
// unreadable URL, an empty input.
var ErrMedia = errors.New("inference: binary input")

// load reads m. URLs are fetched with the client's HTTP client, without
// the client's credentials: they belong to someone else.
func (c *Client) load(ctx context.Context, m Media) (*mediaData, error) {
	d := &mediaData{contentType: m.contentType}
	var err error
	switch {
	case m.data != nil:
		d.data = m.data
	case m.reader != nil:
		d.data, err = io.ReadAll(io.LimitReader(m.reader, maxMediaBytes+1))
		if err != nil {
			return nil, fmt.Errorf("%w: reading: %w", ErrMedia, err)
		}
		if len(d.data) > maxMediaBytes {
			return nil, fmt.Errorf("%w: the reader holds more than the %s an input may have", ErrMedia, sizeString(maxMediaBytes))
		}
	case m.path != "":
		d.data, err = os.ReadFile(m.path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMedia, err)
		}
		if d.contentType == "" {
			d.contentType = mime.TypeByExtension(strings.ToLower(filepath.Ext(m.path)))
		}
	case strings.HasPrefix(m.url, "data:"):
		if err := d.fromDataURL(m.url); err != nil {
			return nil, err
		}
	case isURL(m.url):
		if err := c.fetchMedia(ctx, m.url, d); err != nil {
			return nil, err
		}
	case m.url != "":
		return nil, fmt.Errorf("%w: %q is not an http(s) or data URL", ErrMedia, urlredact.URL(m.url))
	default:
		return nil, fmt.Errorf("%w: no input given", ErrMedia)
	}
	if len(d.data) == 0 {
		return nil, fmt.Errorf("%w: empty input (a reader serves one call only)", ErrMedia)
	}
	if d.contentType == "" {
		d.contentType = sniff(d.data)
	}
	return d, nil
}

// fetchMedia downloads an input URL, up to the media limit. The body is
// kept only on a 2xx answer.
func (c *Client) fetchMedia(ctx context.Context, u string, d *mediaData) error {
	ru := urlredact.URL(u)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("%w: fetching %s: %w", ErrMedia, ru, classifyErr(ctx, "fetching "+ru, err))
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w: fetching %s: %w", ErrMedia, ru, classifyErr(ctx, "fetching "+ru, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%w: fetching %s: %d %s", ErrMedia, ru, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	decodeBody(resp)
	d.data, err = c.readBody(resp, true)
	if err != nil {
		return fmt.Errorf("%w: fetching %s: %w", ErrMedia, ru, err)
	}
	d.url = u
	if d.contentType == "" {
		if ct, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && ct != "application/octet-stream" {
			d.contentType = ct
		}
	}
	return nil
}

// fromDataURL decodes "data:[type][;base64],payload".
func (d *mediaData) fromDataURL(u string) error {
	meta, payload, ok := strings.Cut(strings.TrimPrefix(u, "data:"), ",")
	if !ok {
		return fmt.Errorf("%w: malformed data URL", ErrMedia)
	}
	isB64 := strings.HasSuffix(meta, ";base64")
	meta = strings.TrimSuffix(meta, ";base64")
	if d.contentType == "" {
		d.contentType = meta
	}
	if !isB64 {
		text, err := url.PathUnescape(payload)
		if err != nil {
			return fmt.Errorf("%w: data URL: %w", ErrMedia, err)
		}
		d.data = []byte(text)
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return fmt.Errorf("%w: data URL: %w", ErrMedia, err)
	}
	d.data = b
	return nil
}

// sniff guesses a content type from the first bytes, knowing a few formats
// the standard sniffer does not.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("fLaC")):
		return "audio/flac"
	case len(b) >= 12 && string(b[4:8]) == "ftyp" && (string(b[8:12]) == "M4A " || string(b[8:11]) == "mp4"):
		if string(b[8:12]) == "M4A " {
			return "audio/mp4"
		}
		return "video/mp4"
	}
	ct := http.DetectContentType(b)
	if i := strings.IndexByte(ct, ';'); i >= 0 && !strings.HasPrefix(ct, "text/") {
		ct = ct[:i]
	}
	if ct == "audio/wave" {
		return "audio/wav"
	}
	return ct
}

// base64 returns the input in standard base64.
func (d *mediaData) base64() string { return base64.StdEncoding.EncodeToString(d.data) }

// urlOrDataURL is the input as providers that take URLs want it: its
// http(s) URL, else a base64 data URL typed with its content type, or with
// defaultType when that is unknown.
func (d *mediaData) urlOrDataURL(defaultType string) string {
	if d.url != "" {
		return d.url
	}
	ct := d.contentType
	if ct == "" || ct == "application/octet-stream" {
		ct = defaultType
	}
	return "data:" + ct + ";base64," + d.base64()
}

// decodeBase64Media decodes base64 media as providers return it, bare or
// wrapped in a data URL.
func decodeBase64Media(s string) ([]byte, error) {
	if i := strings.Index(s, ";base64,"); strings.HasPrefix(s, "data:") && i >= 0 {
		s = s[i+len(";base64,"):]
	}
	return base64.StdEncoding.DecodeString(s)
}
