package inference_test

import (
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/tiny-agents-go/tiny-agents/inference"
)

// Text tasks of hf-inference: request shapes and answers as the serverless
// API sends them.

func TestHFInferenceFeatureExtractionTokenEmbeddings(t *testing.T) {
	fake := newFakeAPI(t)
	// A model without pooling answers one vector per token: [1][tokens][dim].
	fake.JSON("POST "+hfPath+"/pipeline/feature-extraction", `[[[0.1,0.2],[0.3,0.4],[0.5,0.6]]]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtraction(t.Context(), "hello world", &inference.FeatureExtractionParameters{
		Truncate: inference.Ptr(true), TruncationDirection: inference.FeatureExtractionInputTruncationDirectionLeft, PromptName: "query",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Shape, []int{1, 3, 2}) {
		t.Errorf("shape = %v", out.Shape)
	}
	wantRows := [][]float32{{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}}
	if !reflect.DeepEqual(out.Rows(), wantRows) {
		t.Errorf("rows = %v", out.Rows())
	}
	req := fake.only()
	checkRequest(t, req, hfPath+"/pipeline/feature-extraction", "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"hello world","truncate":true,"truncation_direction":"left","prompt_name":"query"}`)
}

func TestHFInferenceFeatureExtractionBatch(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath+"/pipeline/feature-extraction", `[[1,0,0],[0,1,0]]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskFeatureExtraction)
	out, err := c.FeatureExtractionBatch(t.Context(), []string{"first", "second"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Shape, []int{2, 3}) || !reflect.DeepEqual(out.Rows(), [][]float32{{1, 0, 0}, {0, 1, 0}}) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath+"/pipeline/feature-extraction", "application/json")
	sameJSONBody(t, req.Body, `{"inputs":["first","second"]}`)
}

func TestHFInferenceFillMask(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"score":0.42,"token":3000,"token_str":"paris","sequence":"the capital of france is paris."},`+
		`{"score":0.07,"token":4000,"token_str":"lyon","sequence":"the capital of france is lyon."}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskFillMask)
	out, err := c.FillMask(t.Context(), "The capital of France is [MASK].", &inference.FillMaskParameters{TopK: inference.Ptr(2), Targets: []string{"paris", "lyon"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.FillMaskOutputElement{
		{Score: 0.42, Token: 3000, TokenStr: "paris", Sequence: "the capital of france is paris."},
		{Score: 0.07, Token: 4000, TokenStr: "lyon", Sequence: "the capital of france is lyon."},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"The capital of France is [MASK].","parameters":{"top_k":2,"targets":["paris","lyon"]}}`)
}

func TestHFInferenceQuestionAnswering(t *testing.T) {
	fake := newFakeAPI(t)
	// One answer comes as an object, several (top_k) as a list.
	fake.JSON("POST "+hfPath, `{"score":0.97,"start":11,"end":16,"answer":"Clara"}`,
		`[{"score":0.97,"start":11,"end":16,"answer":"Clara"},{"score":0.01,"start":0,"end":2,"answer":"My"}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskQuestionAnswering)
	one, err := c.QuestionAnswering(t.Context(), "What's my name?", "My name is Clara and I live in Berkeley.", nil)
	if err != nil {
		t.Fatal(err)
	}
	clara := inference.QuestionAnsweringOutputElement{Answer: "Clara", Score: 0.97, Start: 11, End: 16}
	if !reflect.DeepEqual(one, []inference.QuestionAnsweringOutputElement{clara}) {
		t.Errorf("one = %+v", one)
	}
	two, err := c.QuestionAnswering(t.Context(), "What's my name?", "My name is Clara and I live in Berkeley.",
		&inference.QuestionAnsweringParameters{TopK: inference.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(two) != 2 || two[0] != clara || two[1].Answer != "My" {
		t.Errorf("two = %+v", two)
	}
	reqs := fake.Requests()
	checkRequest(t, reqs[0], hfPath, "application/json")
	sameJSONBody(t, reqs[0].Body, `{"inputs":{"question":"What's my name?","context":"My name is Clara and I live in Berkeley."}}`)
	sameJSONBody(t, reqs[1].Body, `{"inputs":{"question":"What's my name?","context":"My name is Clara and I live in Berkeley."},"parameters":{"top_k":2}}`)
}

func TestHFInferenceSentenceSimilarity(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath+"/pipeline/sentence-similarity", `[0.7785,0.4587,0.2903]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskSentenceSimilarity)
	out, err := c.SentenceSimilarity(t.Context(), "Machine learning is so easy.",
		[]string{"Deep learning is so straightforward.", "This is so difficult, like rocket science.", "I can't believe how much I struggled with this."})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, []float64{0.7785, 0.4587, 0.2903}) {
		t.Errorf("out = %v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath+"/pipeline/sentence-similarity", "application/json")
	sameJSONBody(t, req.Body, `{"inputs":{"source_sentence":"Machine learning is so easy.","sentences":["Deep learning is so straightforward.","This is so difficult, like rocket science.","I can't believe how much I struggled with this."]}}`)
}

func TestHFInferenceSummarization(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"summary_text":"The tower is 324 metres tall."}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskSummarization)
	out, err := c.Summarization(t.Context(), "The tower is 324 metres (1,063 ft) tall, about the same height as an 81-storey building.",
		&inference.SummarizationParameters{Truncation: inference.SummarizationTruncationStrategyLongestFirst, GenerateParameters: map[string]any{"max_length": 20}})
	if err != nil {
		t.Fatal(err)
	}
	if out.SummaryText != "The tower is 324 metres tall." {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"The tower is 324 metres (1,063 ft) tall, about the same height as an 81-storey building.",`+
		`"parameters":{"truncation":"longest_first","generate_parameters":{"max_length":20}}}`)
}

func TestHFInferenceTableQuestionAnswering(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `{"answer":"AVERAGE > 36542","coordinates":[[0,1]],"cells":["36542"],"aggregator":"AVERAGE"}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTableQuestionAnswering)
	table := map[string][]string{"Repository": []string{"Transformers", "Datasets"}, "Stars": []string{"36542", "4512"}}
	out, err := c.TableQuestionAnswering(t.Context(), table, "How many stars does the transformers repository have?",
		&inference.TableQuestionAnsweringParameters{Truncation: inference.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	want := &inference.TableQuestionAnsweringOutputElement{Answer: "AVERAGE > 36542", Coordinates: [][]int{{0, 1}}, Cells: []string{"36542"}, Aggregator: "AVERAGE"}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":{"query":"How many stars does the transformers repository have?",`+
		`"table":{"Repository":["Transformers","Datasets"],"Stars":["36542","4512"]}},"parameters":{"truncation":true}}`)
}

func TestHFInferenceTabularClassification(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `["5","6"]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTabularClassification)
	out, err := c.TabularClassification(t.Context(), map[string][]string{"pH": {"3.51", "3.2"}, "alcohol": {"9.4", "12.6"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, []string{"5", "6"}) {
		t.Errorf("out = %v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"table":{"pH":["3.51","3.2"],"alcohol":["9.4","12.6"]}}`)
}

func TestHFInferenceTabularRegression(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[110.5,120]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTabularRegression)
	out, err := c.TabularRegression(t.Context(), map[string][]string{"Height": {"11.52", "12.48"}, "Width": {"4.02", "4.3056"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, []float64{110.5, 120}) {
		t.Errorf("out = %v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"table":{"Height":["11.52","12.48"],"Width":["4.02","4.3056"]}}`)
}

func TestHFInferenceTextClassificationFlatList(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"label":"NEGATIVE","score":0.9991}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTextClassification)
	out, err := c.TextClassification(t.Context(), "I hate it", &inference.TextClassificationParameters{FunctionToApply: inference.ClassificationOutputTransformSigmoid})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, []inference.TextClassificationOutputElement{{Label: "NEGATIVE", Score: 0.9991}}) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"I hate it","parameters":{"function_to_apply":"sigmoid"}}`)
}

func TestHFInferenceTokenClassification(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"entity_group":"PER","score":0.9971,"word":"Omar","start":11,"end":15},`+
		`{"entity_group":"LOC","score":0.9993,"word":"Zurich","start":25,"end":31}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTokenClassification)
	out, err := c.TokenClassification(t.Context(), "My name is Omar and I live in Zurich.",
		&inference.TokenClassificationParameters{AggregationStrategy: inference.TokenClassificationAggregationStrategySimple, IgnoreLabels: []string{"O"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []inference.TokenClassificationOutputElement{
		{EntityGroup: "PER", Score: 0.9971, Word: "Omar", Start: 11, End: 15},
		{EntityGroup: "LOC", Score: 0.9993, Word: "Zurich", Start: 25, End: 31},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"My name is Omar and I live in Zurich.","parameters":{"aggregation_strategy":"simple","ignore_labels":["O"]}}`)
}

func TestHFInferenceTranslation(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `[{"translation_text":"Mon nom est Wolfgang et je vis à Berlin."}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskTranslation)
	out, err := c.Translation(t.Context(), "My name is Wolfgang and I live in Berlin.", &inference.TranslationParameters{SrcLang: "en_XX", TgtLang: "fr_XX"})
	if err != nil {
		t.Fatal(err)
	}
	if out.TranslationText != "Mon nom est Wolfgang et je vis à Berlin." {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, hfPath, "application/json")
	sameJSONBody(t, req.Body, `{"inputs":"My name is Wolfgang and I live in Berlin.","parameters":{"src_lang":"en_XX","tgt_lang":"fr_XX"}}`)
}

func TestHFInferenceZeroShotClassification(t *testing.T) {
	fake := newFakeAPI(t)
	// The pipeline's own shape, then the list shape of newer servers.
	fake.JSON("POST "+hfPath,
		`{"sequence":"I have a problem with my iphone that needs to be resolved asap!!","labels":["urgent","phone","computer"],"scores":[0.52,0.45,0.03]}`,
		`[{"label":"urgent","score":0.52},{"label":"phone","score":0.45},{"label":"computer","score":0.03}]`)
	c := routedClient(t, fake, "hf-inference", inference.TaskZeroShotClassification)
	want := []inference.ZeroShotClassificationOutputElement{{Label: "urgent", Score: 0.52}, {Label: "phone", Score: 0.45}, {Label: "computer", Score: 0.03}}
	p := &inference.ZeroShotClassificationParameters{CandidateLabels: []string{"urgent", "phone", "computer"}, MultiLabel: inference.Ptr(true),
		HypothesisTemplate: "This text is about {}."}
	for i := range 2 {
		out, err := c.ZeroShotClassification(t.Context(), "I have a problem with my iphone that needs to be resolved asap!!", p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("answer %d: out = %+v", i, out)
		}
	}
	for _, req := range fake.Requests() {
		checkRequest(t, req, hfPath, "application/json")
		sameJSONBody(t, req.Body, `{"inputs":"I have a problem with my iphone that needs to be resolved asap!!",`+
			`"parameters":{"candidate_labels":["urgent","phone","computer"],"multi_label":true,"hypothesis_template":"This text is about {}."}}`)
	}
}

func TestHFInferenceZeroShotClassificationMismatchedLabels(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST "+hfPath, `{"sequence":"x","labels":["a","b"],"scores":[1]}`)
	c := routedClient(t, fake, "hf-inference", inference.TaskZeroShotClassification)
	_, err := c.ZeroShotClassification(t.Context(), "x", &inference.ZeroShotClassificationParameters{CandidateLabels: []string{"a", "b"}})
	var re *inference.ResponseError
	if !errors.As(err, &re) {
		t.Errorf("err = %v, want a ResponseError", err)
	}
}

func TestURLModelIsCalledDirectly(t *testing.T) {
	fake := newFakeAPI(t)
	fake.JSON("POST /my-endpoint", `[{"label":"POSITIVE","score":0.9}]`)
	c := newClient(t, inference.WithModel(fake.URL+"/my-endpoint"), inference.WithToken("hf_test"), inference.WithMaxRetries(0))
	out, err := c.TextClassification(t.Context(), "great", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Label != "POSITIVE" {
		t.Errorf("out = %+v", out)
	}
	req := fake.only()
	checkRequest(t, req, "/my-endpoint", "application/json")
	if req.Query != "" {
		t.Errorf("query = %q", req.Query)
	}
	sameJSONBody(t, req.Body, `{"inputs":"great"}`)

	// The Model call option does the same for one call, and a URL model
	// answers in errors with its URL rather than a provider name.
	fake.JSON("POST /other", `{"not":"a list"}`)
	_, err = c.TextClassification(t.Context(), "great", nil, inference.Model(fake.URL+"/other"))
	var re *inference.ResponseError
	if !errors.As(err, &re) || re.Provider != fake.URL+"/other" {
		t.Errorf("err = %v, want a ResponseError naming the endpoint", err)
	}
}

func TestRecommendedModel(t *testing.T) {
	fake := newFakeAPI(t) // both the Hub (/api/tasks) and the router
	fake.JSON("GET /api/tasks", `{"text-classification":{"id":"text-classification","widgetModels":["distilbert/sst2","other/model"]},`+
		`"fill-mask":{"id":"fill-mask","widgetModels":[]}}`)
	fake.JSON("POST /hf-inference/models/distilbert/sst2", `[[{"label":"POSITIVE","score":0.99}]]`, `[[{"label":"NEGATIVE","score":0.99}]]`)
	c := newClient(t, inference.WithProvider("hf-inference"), inference.WithToken("hf_test"),
		inference.WithRouterURL(fake.URL), inference.WithHubURL(fake.URL), inference.WithMaxRetries(0))
	for _, want := range []string{"POSITIVE", "NEGATIVE"} {
		out, err := c.TextClassification(t.Context(), "nice", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 || out[0].Label != want {
			t.Errorf("out = %+v, want %s", out, want)
		}
	}
	reqs := fake.Requests()
	if len(reqs) != 3 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/api/tasks" {
		t.Fatalf("requests = %+v, want the task list once then two calls", reqs)
	}
	if reqs[0].Header.Get("Authorization") != "" {
		t.Errorf("the task list was fetched with credentials")
	}
	for _, r := range reqs[1:] {
		checkRequest(t, r, "/hf-inference/models/distilbert/sst2", "application/json")
	}
	// A task the Hub recommends no model for asks for one.
	_, err := c.FillMask(t.Context(), "a [MASK]", nil)
	if !errors.Is(err, inference.ErrInvalidOption) {
		t.Errorf("fill-mask without a recommended model: err = %v", err)
	}
	if n := len(fake.Requests()); n != 3 {
		t.Errorf("%d requests after the failed call, want 3", n)
	}
}
