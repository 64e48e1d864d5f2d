package inference

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unsafe"
)

// FeatureExtractionParameters are the options of feature extraction; the
// spec puts them beside "inputs" rather than under "parameters".
// Normalize, PromptName, Truncate and TruncationDirection are Text
// Embeddings Inference's; Dimensions and EncodingFormat are the OpenAI
// embeddings API's, for the providers that speak it (both reference
// clients send them).
type FeatureExtractionParameters struct {
	Normalize           *bool                                     `json:"normalize,omitempty"`
	PromptName          string                                    `json:"prompt_name,omitempty"`
	Truncate            *bool                                     `json:"truncate,omitempty"`
	TruncationDirection FeatureExtractionInputTruncationDirection `json:"truncation_direction,omitempty"`
	// Dimensions asks for embeddings of that many dimensions, where the
	// model can shorten them.
	Dimensions *int `json:"dimensions,omitempty"`
	// EncodingFormat is "float" (the default) or "base64"; the answer is
	// decoded either way.
	EncodingFormat EmbeddingEncoding `json:"encoding_format,omitempty"`
}

// EmbeddingEncoding is how an OpenAI-style embeddings answer carries the
// numbers.
type EmbeddingEncoding string

// Values of EmbeddingEncoding.
const (
	EmbeddingEncodingFloat  EmbeddingEncoding = "float"
	EmbeddingEncodingBase64 EmbeddingEncoding = "base64"
)

// Embeddings is the output of feature extraction: the numbers in row-major
// order and the shape they have (for instance [1 768] for one pooled
// sentence, [5 768] for five, [1 12 768] for token embeddings).
type Embeddings struct {
	Values []float32
	Shape  []int
}

// Rows returns the embeddings as rows of the last dimension, each a slice
// of Values (no copy): one row per sentence for pooled models.
func (e *Embeddings) Rows() [][]float32 {
	if len(e.Shape) == 0 {
		return nil
	}
	width := e.Shape[len(e.Shape)-1]
	if width == 0 {
		return nil
	}
	rows := make([][]float32, 0, len(e.Values)/width)
	for i := 0; i+width <= len(e.Values); i += width {
		rows = append(rows, e.Values[i:i+width:i+width])
	}
	return rows
}

// FeatureExtraction embeds text and returns its vector(s).
func (c *Client) FeatureExtraction(ctx context.Context, text string, p *FeatureExtractionParameters, opts ...CallOption) (*Embeddings, error) {
	return c.featureExtraction(ctx, text, p, opts)
}

// FeatureExtractionBatch embeds several texts in one request; the first
// dimension of the result follows texts.
func (c *Client) FeatureExtractionBatch(ctx context.Context, texts []string, p *FeatureExtractionParameters, opts ...CallOption) (*Embeddings, error) {
	return c.featureExtraction(ctx, texts, p, opts)
}

func (c *Client) featureExtraction(ctx context.Context, inputs any, p *FeatureExtractionParameters, opts []CallOption) (*Embeddings, error) {
	tc, r, err := c.call(ctx, TaskFeatureExtraction, taskInput{inputs: inputs}, p, opts)
	if err != nil {
		return nil, err
	}
	if firstByte(r.data) == '{' {
		return tc.openAIEmbeddings(r)
	}
	e, err := parseEmbeddings(r.data)
	if err != nil {
		return nil, &ResponseError{Task: tc.task, Provider: tc.target.name(), Body: truncate(r.data, 200), Err: err}
	}
	return e, nil
}

// openAIEmbeddings reads the OpenAI shape {"data":[{"embedding":[...]}]}
// that several providers answer with; with encoding_format "base64" each
// embedding is a base64 string of little-endian float32 values.
func (tc *taskCall) openAIEmbeddings(r *rawResponse) (*Embeddings, error) {
	var wire struct {
		Data []struct {
			Embedding embeddingRow `json:"embedding"`
		} `json:"data"`
	}
	if err := tc.decodeJSON(r, &wire); err != nil {
		return nil, err
	}
	if len(wire.Data) == 0 {
		return nil, tc.unexpected(r, "no embeddings in data")
	}
	width := len(wire.Data[0].Embedding)
	e := &Embeddings{Values: make([]float32, 0, width*len(wire.Data)), Shape: []int{len(wire.Data), width}}
	for _, d := range wire.Data {
		if len(d.Embedding) != width {
			return nil, tc.unexpected(r, "embeddings of different lengths")
		}
		e.Values = append(e.Values, d.Embedding...)
	}
	return e, nil
}

// embeddingRow is one embedding of the OpenAI shape: a JSON array of
// numbers, read by the tensor parser (encoding/json's reflection costs
// about 1.5 times as much), or a base64 string of little-endian float32
// values.
type embeddingRow []float32

// UnmarshalJSON reads either form; anything else is an error.
func (row *embeddingRow) UnmarshalJSON(raw []byte) error {
	if firstByte(raw) == '[' {
		if firstByte(bytes.TrimSpace(raw)[1:]) == ']' { // [] is an empty row, as encoding/json reads it
			*row = embeddingRow{}
			return nil
		}
		e, err := parseEmbeddings(raw)
		if err == nil && len(e.Shape) != 1 {
			err = errors.New("nested arrays")
		}
		if err != nil {
			return fmt.Errorf("embedding is neither numbers nor base64: %w", err)
		}
		*row = e.Values
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("embedding is neither numbers nor base64: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b)%4 != 0 {
		return fmt.Errorf("base64 embedding does not decode to float32 values")
	}
	*row = make([]float32, len(b)/4)
	for i := range *row {
		(*row)[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return nil
}

// parseEmbeddings reads a nested JSON array of numbers of any depth into
// flat float32 values and a shape, rejecting ragged arrays. It is the hot
// path of embedding services, so it scans the bytes once without building
// intermediate slices.
func parseEmbeddings(data []byte) (*Embeddings, error) {
	p := tensorParser{data: data, values: make([]float32, 0, len(data)/8), leaf: -1}
	p.skipSpace()
	if err := p.array(0); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, fmt.Errorf("trailing data at offset %d", p.pos)
	}
	for _, d := range p.shape {
		if d < 0 {
			return nil, errors.New("empty array")
		}
	}
	return &Embeddings{Values: p.values, Shape: p.shape}, nil
}

type tensorParser struct {
	data   []byte
	pos    int
	values []float32
	shape  []int // -1 until the first array of that depth closes
	leaf   int   // depth of the arrays of numbers, -1 until known
}

func (p *tensorParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\n', '\r', '\t':
			p.pos++
		default:
			return
		}
	}
}

// array parses one array at depth d.
func (p *tensorParser) array(d int) error {
	if p.pos >= len(p.data) || p.data[p.pos] != '[' {
		return fmt.Errorf("expected '[' at offset %d", p.pos)
	}
	p.pos++
	if d == len(p.shape) {
		p.shape = append(p.shape, -1)
	}
	n := 0
	for {
		p.skipSpace()
		if p.pos >= len(p.data) {
			return errors.New("unexpected end of input")
		}
		if p.data[p.pos] == ']' && n == 0 {
			p.pos++
			break
		}
		if err := p.element(d); err != nil {
			return err
		}
		n++
		p.skipSpace()
		if p.pos >= len(p.data) {
			return errors.New("unexpected end of input")
		}
		if c := p.data[p.pos]; c == ',' {
			p.pos++
			continue
		} else if c == ']' {
			p.pos++
			break
		}
		return fmt.Errorf("expected ',' or ']' at offset %d", p.pos)
	}
	switch {
	case p.shape[d] == -1:
		p.shape[d] = n
	case p.shape[d] != n:
		return fmt.Errorf("ragged array: %d elements where %d came before (depth %d)", n, p.shape[d], d)
	}
	return nil
}

// element parses a number or a nested array inside an array at depth d;
// every number must sit at the same depth.
func (p *tensorParser) element(d int) error {
	if p.data[p.pos] == '[' {
		if p.leaf >= 0 && p.leaf <= d {
			return fmt.Errorf("mixed numbers and arrays at offset %d", p.pos)
		}
		return p.array(d + 1)
	}
	if p.leaf == -1 {
		p.leaf = d
	} else if p.leaf != d {
		return fmt.Errorf("mixed numbers and arrays at offset %d", p.pos)
	}
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.pos++
			continue
		}
		break
	}
	if start == p.pos {
		return fmt.Errorf("expected a number at offset %d", start)
	}
	// The string does not outlive ParseFloat, which keeps no reference.
	s := unsafe.String(&p.data[start], p.pos-start)
	v, err := strconv.ParseFloat(s, 32)
	if err != nil {
		return fmt.Errorf("bad number at offset %d: %w", start, err)
	}
	p.values = append(p.values, float32(v))
	return nil
}
