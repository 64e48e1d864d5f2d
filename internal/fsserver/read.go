package fsserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// sniffLen is how much of a file a whole read checks for NUL bytes.
const sniffLen = 8192

// readFile reads a whole file, up to maxRead bytes, or a range of its lines
// when offset or limit is given.
func (r *fsRoot) readFile(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	rel, err := r.pathOf(req)
	if err != nil {
		return toolError(err)
	}
	offset, limit := req.GetInt("offset", 0), req.GetInt("limit", 0)
	f, st, err := openIn(r.root, rel, r.show(rel), regularFile)
	if err != nil {
		return toolError(r.pathError(rel, err))
	}
	defer f.Close()
	var text string
	if offset == 0 && limit == 0 {
		if st.Size() > maxRead {
			return toolError(tooBigToRead(r.show(rel), st.Size()))
		}
		text, err = readWhole(ctx, f, r.show(rel))
	} else {
		text, err = readLines(ctx, f, max(offset, 1), limit)
	}
	if errors.Is(err, errBinary) {
		err = fmt.Errorf("%s %w", r.show(rel), errBinary)
	}
	if err != nil {
		return toolError(err)
	}
	return mcp.NewToolResultText(text), nil
}

// errBinary is returned for a file that holds NUL bytes where text is read.
var errBinary = errors.New("is a binary file")

// tooBigToRead is the refusal of a whole read of a file over maxRead bytes.
func tooBigToRead(shown string, size int64) error {
	return fmt.Errorf("%s is %d bytes, over the %d-byte limit: read a range of lines with offset and limit", shown, size, maxRead)
}

// readWhole returns all of f, refusing more than maxRead bytes (the file
// may have grown since it was measured) and a file with a NUL byte in its
// first sniffLen bytes.
func readWhole(ctx context.Context, f io.Reader, shown string) (string, error) {
	data, err := readCapped(ctx, f, maxRead, func(size int64) error { return tooBigToRead(shown, size) })
	if err != nil {
		return "", err
	}
	if bytes.IndexByte(data[:min(len(data), sniffLen)], 0) >= 0 {
		return "", errBinary
	}
	return string(data), ctx.Err()
}

// readCapped reads all of f unless ctx has ended; past limit bytes (the
// file may have grown since it was measured) it returns tooBig's error for
// the length read.
func readCapped(ctx context.Context, f io.Reader, limit int64, tooBig func(size int64) error) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = tooBig(int64(len(data)))
	}
	return data, err
}

// readLines returns limit lines of rd from line offset (from 1), or every
// line from offset if limit is 0 or less. It streams: lines before offset
// are skipped without being kept, it stops at the last line asked for, a
// line over maxLine bytes is cut (and the result says so), and it stops
// once the result reaches maxRead bytes, saying where to continue. Memory
// is bounded by what it returns plus one buffer. It checks ctx between
// buffer fills, and returns errBinary if a returned line holds a NUL byte.
func readLines(ctx context.Context, rd io.Reader, offset, limit int) (string, error) {
	br := bufio.NewReaderSize(rd, 64<<10)
	var out strings.Builder
	end := math.MaxInt // the first line not asked for
	if limit > 0 && offset <= math.MaxInt-limit {
		end = offset + limit
	}
	var line []byte
	for n := 1; n < end; n++ {
		keep := n >= offset
		var cut bool
		var err error
		line, cut, err = readLine(ctx, br, line[:0], keep)
		if err != nil && err != io.EOF {
			return "", err
		}
		if len(line) == 0 && !cut && err == io.EOF {
			break
		}
		if !keep {
			continue
		}
		if bytes.IndexByte(line, 0) >= 0 {
			return "", errBinary
		}
		if out.Len()+len(line) > maxRead {
			fmt.Fprintf(&out, "(stopped at the %d-byte limit: continue with offset %d)\n", maxRead, n)
			break
		}
		out.Write(line)
		if cut {
			fmt.Fprintf(&out, "… (line %d cut at %d bytes)\n", n, maxLine)
		}
		if err == io.EOF {
			break
		}
	}
	return out.String(), nil
}

// readLine reads one line of br, newline included. If keep, it appends the
// line's first maxLine bytes to buf and reports whether the line was longer;
// otherwise it only skips the line. It returns io.EOF at the end of the
// input, with the last line if it has no newline, and ctx's error if ctx
// ends while a long line is being read.
func readLine(ctx context.Context, br *bufio.Reader, buf []byte, keep bool) ([]byte, bool, error) {
	cut := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		chunk, err := br.ReadSlice('\n')
		if keep {
			room := maxLine - len(buf)
			if len(chunk) > room {
				chunk, cut = chunk[:room], true
			}
			buf = append(buf, chunk...)
		}
		if err != bufio.ErrBufferFull {
			return buf, cut, err
		}
	}
}
