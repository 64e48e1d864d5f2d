package inference

import (
	"bytes"
	"fmt"
	"image"
	// Registered so that Blob.Image decodes the formats providers send;
	// WebP is what some text-to-image providers (nebius) answer by default.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"

	_ "golang.org/x/image/webp"

	"github.com/tiny-agents-go/tiny-agents/internal/atomicfile"
)

// Blob is a binary task output (an image, a sound, a video) with the
// content type the provider gave or the one sniffed from its bytes.
type Blob struct {
	Data        []byte
	ContentType string
}

// Image decodes the blob as an image. PNG, JPEG, GIF and WebP are understood;
// other formats return an error naming the content type, and the bytes
// stay available in Data.
func (b *Blob) Image() (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(b.Data))
	if err != nil {
		return nil, fmt.Errorf("inference: decoding a %s image: %w", b.ContentType, err)
	}
	return img, nil
}

// Reader returns a reader over the blob's bytes.
func (b *Blob) Reader() io.Reader { return bytes.NewReader(b.Data) }

// Save writes the blob to path; path never holds a partial file.
func (b *Blob) Save(path string) error {
	if err := atomicfile.WriteFile(path, b.Data, 0o644); err != nil {
		return fmt.Errorf("inference: saving blob to %s: %w", path, err)
	}
	return nil
}

// blobOf turns a raw answer into a Blob, sniffing the type when the
// provider sent none or a generic one.
func blobOf(r *rawResponse) *Blob {
	ct := r.contentType
	if ct == "" || ct == "application/octet-stream" || ct == "binary/octet-stream" {
		ct = sniff(r.data)
	}
	return &Blob{Data: r.data, ContentType: ct}
}
