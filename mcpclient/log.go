package mcpclient

import (
	"context"
	"fmt"
	"log/slog"
)

// transportLogger is the logger given to the MCP transports of server
// name. mcp-go logs at Error level what we report as a *ServerError (a
// broken stream, a child that is gone) or what no user can act on, in
// messages that do not say which server they are about; so its records go
// to c.log at Debug level, their message after the server's name, their
// own level as the attribute "transport_level", and their errors as
// cleanText has them, without the URL an HTTP error quotes.
func (c *Client) transportLogger(name string) *slog.Logger {
	return slog.New(&debugHandler{inner: c.log.Handler(), prefix: fmt.Sprintf("server %q: ", name)})
}

// debugHandler passes records on to inner at Debug level, prefixed.
type debugHandler struct {
	inner  slog.Handler
	prefix string
}

func (h *debugHandler) Enabled(ctx context.Context, _ slog.Level) bool {
	return h.inner.Enabled(ctx, slog.LevelDebug)
}

func (h *debugHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, slog.LevelDebug, h.prefix+r.Message, r.PC)
	out.AddAttrs(slog.String("transport_level", r.Level.String()))
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(cleanAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *debugHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = cleanAttr(a)
	}
	return &debugHandler{inner: h.inner.WithAttrs(clean), prefix: h.prefix}
}

func (h *debugHandler) WithGroup(name string) slog.Handler {
	return &debugHandler{inner: h.inner.WithGroup(name), prefix: h.prefix}
}

// cleanAttr turns an error value into its cleanText.
func cleanAttr(a slog.Attr) slog.Attr {
	if err, ok := a.Value.Resolve().Any().(error); ok {
		return slog.String(a.Key, cleanText(err))
	}
	return a
}
