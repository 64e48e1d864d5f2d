package inference_test

import (
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// Text generation on hf-inference, which runs TGI: plain and detailed
// answers, token streams, and TGI's error shapes.

func TestHFInferenceTextGeneration(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"generated_text":" a language model that continues text."}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "The model is", &inference.TextGenerationInputGenerateParameters{
		MaxNewTokens: inference.Ptr(12), Temperature: inference.Ptr(0.5), Stop: []string{"\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.GeneratedText != " a language model that continues text." || out.Details != nil {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"The model is","parameters":{"max_new_tokens":12,"temperature":0.5,"stop":["\n"]},"stream":false}`)
}

func TestHFInferenceTextGenerationDetails(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"generated_text":" world!","details":{"finish_reason":"length","generated_tokens":2,"seed":null,`+
		`"prefill":[{"id":15496,"text":"Hello","logprob":null}],`+
		`"tokens":[{"id":995,"text":" world","logprob":-0.25,"special":false},{"id":0,"text":"!","logprob":-1.5,"special":false}],`+
		`"best_of_sequences":[{"generated_text":" there","finish_reason":"eos_token","generated_tokens":1,"seed":42,`+
		`"prefill":[{"id":15496,"text":"Hello","logprob":null}],"tokens":[{"id":612,"text":" there","logprob":-2,"special":false}]}]}}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	out, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{
		Details: inference.Ptr(true), BestOf: inference.Ptr(2), DoSample: inference.Ptr(true), MaxNewTokens: inference.Ptr(2),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &inference.TextGenerationOutput{
		GeneratedText: " world!",
		Details: &inference.TextGenerationOutputDetails{
			FinishReason:    inference.TextGenerationOutputFinishReasonLength,
			GeneratedTokens: 2,
			Prefill:         []inference.TextGenerationOutputPrefillToken{{ID: 15496, Text: "Hello"}},
			Tokens: []inference.TextGenerationOutputToken{
				{ID: 995, Text: " world", Logprob: inference.Ptr(-0.25)}, {ID: 0, Text: "!", Logprob: inference.Ptr(-1.5)},
			},
			BestOfSequences: []inference.TextGenerationOutputBestOfSequence{{
				GeneratedText: " there", FinishReason: inference.TextGenerationOutputFinishReasonEosToken, GeneratedTokens: 1,
				Seed:    inference.Ptr(42),
				Prefill: []inference.TextGenerationOutputPrefillToken{{ID: 15496, Text: "Hello"}},
				Tokens:  []inference.TextGenerationOutputToken{{ID: 612, Text: " there", Logprob: inference.Ptr(-2.0)}},
			}},
		},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v\ndetails = %+v", out, out.Details)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"Hello","parameters":{"details":true,"best_of":2,"do_sample":true,"max_new_tokens":2},"stream":false}`)
}

// tgiEvents are the server-sent events TGI streams for " world!" after
// "Hello", with details.
const tgiEvents = `data:{"index":1,"token":{"id":995,"text":" world","logprob":-0.25,"special":false},"generated_text":null,"details":null}

data:{"index":2,"token":{"id":0,"text":"!","logprob":-1.5,"special":false},"generated_text":null,"details":null}

data:{"index":3,"token":{"id":2,"text":"</s>","logprob":-0.1,"special":true},"generated_text":"Hello world!","details":{"finish_reason":"eos_token","generated_tokens":3,"seed":null,"input_length":1}}

`

func TestHFInferenceTextGenerationStream(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, http.StatusOK, "text/event-stream", tgiEvents)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	var texts []string
	var last inference.TextGenerationStreamOutput
	for ev, err := range c.TextGenerationStream(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{
		Details: inference.Ptr(true), ReturnFullText: inference.Ptr(true),
	}) {
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, ev.Token.Text)
		last = ev
	}
	if !reflect.DeepEqual(texts, []string{" world", "!", "</s>"}) {
		t.Errorf("tokens = %q", texts)
	}
	if last.GeneratedText != "Hello world!" || last.Index != 3 || !last.Token.Special {
		t.Errorf("last event = %+v", last)
	}
	wantDetails := &inference.TextGenerationStreamOutputStreamDetails{
		FinishReason: inference.TextGenerationStreamOutputFinishReasonEosToken, GeneratedTokens: 3, InputLength: 1,
	}
	if !reflect.DeepEqual(last.Details, wantDetails) {
		t.Errorf("details = %+v", last.Details)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	if got := req.Header.Get("Accept"); got != "text/event-stream" {
		t.Errorf("Accept = %q", got)
	}
	sameJSONBody(t, req.Body, `{"inputs":"Hello","parameters":{"details":true,"return_full_text":true},"stream":true}`)
}

func TestHFInferenceTextGenerationStreamStopEarly(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, http.StatusOK, "text/event-stream", tgiEvents)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	n := 0
	for _, err := range c.TextGenerationStream(t.Context(), "Hello", nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d events after break", n)
	}
}

func TestHFInferenceTextGenerationValidationError(t *testing.T) {
	const body = `{"error":"Input validation error: inputs tokens + max_new_tokens must be <= 4096","error_type":"validation"}`
	check := func(t *testing.T, err error) {
		t.Helper()
		var te *inference.TextGenerationError
		if !errors.As(err, &te) {
			t.Fatalf("err = %v (%T), want a *TextGenerationError", err, err)
		}
		if te.Kind != "validation" || !strings.Contains(te.Message, "max_new_tokens must be <= 4096") {
			t.Errorf("kind %q, message %q", te.Kind, te.Message)
		}
		var he *inference.HTTPError
		if !errors.As(err, &he) || he.StatusCode != http.StatusUnprocessableEntity || he != te.HTTP {
			t.Errorf("wrapped HTTP error = %v", he)
		}
	}
	t.Run("plain", func(t *testing.T) {
		fake := newFakeAPI(t)
		fake.Status("POST "+hfPath, http.StatusUnprocessableEntity, "application/json", body)
		c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
		_, err := c.TextGeneration(t.Context(), "Hello", &inference.TextGenerationInputGenerateParameters{MaxNewTokens: inference.Ptr(5000)})
		check(t, err)
	})
	t.Run("stream", func(t *testing.T) {
		fake := newFakeAPI(t)
		fake.Status("POST "+hfPath, http.StatusUnprocessableEntity, "application/json", body)
		c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
		n := 0
		for _, err := range c.TextGenerationStream(t.Context(), "Hello", nil) {
			n++
			check(t, err)
		}
		if n != 1 {
			t.Errorf("%d events, want the error alone", n)
		}
	})
}

func TestHFInferenceTextGenerationErrorEvent(t *testing.T) {
	fake := newFakeAPI(t)
	fake.Status("POST "+hfPath, http.StatusOK, "text/event-stream",
		`data:{"index":1,"token":{"id":995,"text":" world","logprob":-0.25,"special":false},"generated_text":null,"details":null}`+"\n\n"+
			`data:{"error":"Request failed during generation: Server error: CUDA out of memory","error_type":"generation"}`+"\n\n")
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	var tokens []string
	var errs []error
	for ev, err := range c.TextGenerationStream(t.Context(), "Hello", nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		tokens = append(tokens, ev.Token.Text)
	}
	if !reflect.DeepEqual(tokens, []string{" world"}) {
		t.Errorf("tokens = %q", tokens)
	}
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want one", errs)
	}
	var te *inference.TextGenerationError
	if !errors.As(errs[0], &te) || te.Kind != "generation" || !strings.Contains(te.Message, "CUDA out of memory") || te.HTTP != nil {
		t.Errorf("err = %v, want the generation error of the event", errs[0])
	}
}

func TestHFInferenceTextGenerationStreamCut(t *testing.T) {
	fake := newFakeAPI(t)
	// Two tokens, then the connection ends without the final event.
	events := strings.SplitAfter(tgiEvents, "\n\n")
	fake.Status("POST "+hfPath, http.StatusOK, "text/event-stream", events[0]+events[1])
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	var tokens []string
	var last error
	for ev, err := range c.TextGenerationStream(t.Context(), "Hello", nil) {
		if err != nil {
			last = err
			continue
		}
		tokens = append(tokens, ev.Token.Text)
	}
	if !reflect.DeepEqual(tokens, []string{" world", "!"}) {
		t.Errorf("tokens = %q", tokens)
	}
	if !errors.Is(last, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want io.ErrUnexpectedEOF", last)
	}
}

func TestHFInferenceTextGenerationErrorInOKBody(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `{"error":"Model is overloaded","error_type":"overloaded"}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextGeneration)
	_, err := c.TextGeneration(t.Context(), "Hello", nil)
	var te *inference.TextGenerationError
	if !errors.As(err, &te) || te.Kind != "overloaded" || te.HTTP != nil {
		t.Errorf("err = %v, want the overloaded error", err)
	}
	sameJSONBody(t, fake.only().Body, `{"inputs":"Hello","stream":false}`)
}
