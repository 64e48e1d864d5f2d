package main

import (
	"strings"
	"testing"
)

func TestOffline(t *testing.T) {
	var stdout strings.Builder
	if err := run(t.Context(), []string{"-offline"}, &stdout); err != nil {
		t.Fatal(err)
	}
	want := "text-classification: POSITIVE (0.999)\n" +
		"summarization: The Eiffel Tower is 330 metres tall and was the tallest man-made structure in the world for 41 years.\n" +
		"translation: La Eiffel Tower mesure 330 mètres et was the tallest man-made structure in the world for 41 years.\n" +
		"text-generation: The best thing about Go is its simplicity and its tooling.\n" +
		"  (6 tokens, eos_token)\n"
	if got := stdout.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestOfflineArguments(t *testing.T) {
	var stdout strings.Builder
	err := run(t.Context(), []string{"-offline", "-prompt", "Once", "-classifier", "me/sentiment", "This is not good. At all."}, &stdout)
	if err != nil {
		t.Fatal(err)
	}
	got := stdout.String()
	for _, want := range []string{
		"text-classification: NEGATIVE (0.999)\n",
		"summarization: This is not good.\n",
		"text-generation: Once its simplicity and its tooling.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output %q lacks %q", got, want)
		}
	}
}
