package main

import (
	"strings"
	"testing"
)

func TestRedactorDiag(t *testing.T) {
	r := newRedactor("sk-planted-1")
	tests := map[string]string{
		"POST http://u:pw@127.0.0.1:5/v1?api_key=abc&x=1: 500": "POST http://u:[redacted]@127.0.0.1:5/v1?api_key=[redacted]&x=[redacted]: 500",
		"see https://127.0.0.1/a?token=t.":                     "see https://127.0.0.1/a?token=[redacted].",
		"key sk-planted-1 refused by http://127.0.0.1/x":       "key [redacted] refused by http://127.0.0.1/x",
		"no url here: a?b=c":                                   "no url here: a?b=c",
		`Get "http://user@127.0.0.1/p"`:                        `Get "http://user@127.0.0.1/p"`,
	}
	for in, want := range tests {
		if got := r.Diag(in); got != want {
			t.Errorf("Diag(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestStreamRedactorSplitSecrets(t *testing.T) {
	r := newRedactor("abcdef-123456", "zz99")
	for _, pieces := range [][]string{
		{"the value is abc", "def-123", "456, see"},
		{"a", "b", "c", "d", "e", "f", "-", "1", "2", "3", "4", "5", "6", ", see"},
		{"the value is abcdef-123456", ", see"},
		{"the value is abcdef-12345", "6, see"},
	} {
		s := streamRedactor{r: r}
		var out strings.Builder
		for _, p := range pieces {
			out.WriteString(s.Write(p))
		}
		out.WriteString(s.Flush())
		got := out.String()
		if strings.Contains(got, "abcdef") || strings.Contains(got, "123456") || !strings.HasSuffix(got, "[redacted], see") {
			t.Errorf("%q -> %q", pieces, got)
		}
	}
	s := streamRedactor{r: r}
	if got := s.Write("abc") + s.Write("x") + s.Flush(); got != "abcx" {
		t.Errorf("a prefix that turns out not to be a secret: %q", got)
	}
}

func TestShortResult(t *testing.T) {
	long := strings.Repeat("line\n", 100)
	got := shortResult(long)
	if strings.Count(got, "line\n") != shownResultLines || !strings.HasSuffix(got, "[... 80 more lines, 400 bytes, not shown]") {
		t.Errorf("100 lines: %q", got)
	}
	wide := strings.Repeat("é", 10000)
	got = shortResult(wide)
	if len(got) > shownResultBytes+100 || !strings.Contains(got, "more lines") || !utf8ValidPrefix(got) {
		t.Errorf("one wide line: %d bytes", len(got))
	}
	if short := "a\nb"; shortResult(short) != short {
		t.Errorf("a short result changed: %q", shortResult(short))
	}
}

func utf8ValidPrefix(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
