package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	var stdout strings.Builder
	if err := run(t.Context(), []string{"-offline"}, &stdout); err != nil {
		t.Fatal(err)
	}
	// The client's cosine of the embeddings and the fake's
	// sentence-similarity agree, and the similar sentence comes out closer.
	scores := "  0.825  \"A cat is sitting on the mat.\"\n" +
		"  0.500  \"The stock market fell sharply today.\"\n"
	want := "feature-extraction (sentence-transformers/all-MiniLM-L6-v2): 3 vectors of 16 dimensions\n" +
		`cosine similarity to "The cat sits on the mat.":` + "\n" + scores +
		`sentence-similarity to "The cat sits on the mat.":` + "\n" + scores
	if got := stdout.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestOfflineAuto(t *testing.T) {
	// With provider auto the client reads the fake Hub's mapping.
	var stdout strings.Builder
	if err := run(t.Context(), []string{"-offline", "-provider", "auto", "-model", "me/embedder", "same words", "same words", "other"}, &stdout); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"feature-extraction (me/embedder): 3 vectors of 16 dimensions\n", "  1.000  \"same words\"\n", "  0.000  \"other\"\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output %q lacks %q", stdout.String(), want)
		}
	}
}

func TestUsage(t *testing.T) {
	if err := run(t.Context(), []string{"-offline", "alone"}, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("one sentence: err = %v", err)
	}
}

func TestCosine(t *testing.T) {
	for _, c := range []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{1, 0}, 1},
		{[]float32{1, 0}, []float32{0, 1}, 0},
		{[]float32{1, 1}, []float32{-1, -1}, -1},
		{[]float32{0, 0}, []float32{1, 0}, 0},
	} {
		if got := cosine(c.a, c.b); fmt.Sprintf("%.6f", got) != fmt.Sprintf("%.6f", c.want) {
			t.Errorf("cosine(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
