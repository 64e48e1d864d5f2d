package inference

import (
	"context"
	"fmt"
)

// TextClassification labels a text (sentiment, topic, ...), best label
// first. It returns the call's error, or a *ResponseError when the answer is
// not a list of labels.
func (c *Client) TextClassification(ctx context.Context, text string, p *TextClassificationParameters, opts ...CallOption) ([]TextClassificationOutputElement, error) {
	return runList[TextClassificationOutputElement](ctx, c, TaskTextClassification, taskInput{inputs: text}, p, opts)
}

// TokenClassification tags the entities or parts of speech in a text,
// each with its span and score.
func (c *Client) TokenClassification(ctx context.Context, text string, p *TokenClassificationParameters, opts ...CallOption) ([]TokenClassificationOutputElement, error) {
	return runList[TokenClassificationOutputElement](ctx, c, TaskTokenClassification, taskInput{inputs: text}, p, opts)
}

// FillMask proposes the likeliest completions of the mask token in text
// (the mask token is the model's own, such as "[MASK]" or "<mask>").
func (c *Client) FillMask(ctx context.Context, text string, p *FillMaskParameters, opts ...CallOption) ([]FillMaskOutputElement, error) {
	return runList[FillMaskOutputElement](ctx, c, TaskFillMask, taskInput{inputs: text}, p, opts)
}

// QuestionAnswering finds the answer to question in context, best answer
// first; several answers come back when p asks for TopK.
func (c *Client) QuestionAnswering(ctx context.Context, question, context string, p *QuestionAnsweringParameters, opts ...CallOption) ([]QuestionAnsweringOutputElement, error) {
	in := map[string]any{"question": question, "context": context}
	return runListOrOne[QuestionAnsweringOutputElement](ctx, c, TaskQuestionAnswering, taskInput{inputs: in}, p, opts)
}

// SentenceSimilarity scores how close each of sentences is to source, one
// score per sentence in order.
func (c *Client) SentenceSimilarity(ctx context.Context, source string, sentences []string, opts ...CallOption) ([]float64, error) {
	in := map[string]any{"source_sentence": source, "sentences": sentences}
	return runJSON[[]float64](ctx, c, TaskSentenceSimilarity, taskInput{inputs: in}, nil, opts)
}

// Summarization summarises text.
func (c *Client) Summarization(ctx context.Context, text string, p *SummarizationParameters, opts ...CallOption) (*SummarizationOutput, error) {
	return runOne[SummarizationOutput](ctx, c, TaskSummarization, taskInput{inputs: text}, p, opts)
}

// Translation translates text; multilingual models need the source and
// target languages in p, both or neither: one without the other returns an
// error wrapping [ErrInvalidOption] before anything is sent, as the Python
// client does.
func (c *Client) Translation(ctx context.Context, text string, p *TranslationParameters, opts ...CallOption) (*TranslationOutput, error) {
	if p != nil && (p.SrcLang == "") != (p.TgtLang == "") {
		given, missing := "src_lang", "tgt_lang"
		if p.SrcLang == "" {
			given, missing = missing, given
		}
		return nil, fmt.Errorf("%w: %s: %s given without %s", ErrInvalidOption, TaskTranslation, given, missing)
	}
	return runOne[TranslationOutput](ctx, c, TaskTranslation, taskInput{inputs: text}, p, opts)
}

// TableQuestionAnswering answers query over table, given as column name
// -> cells.
func (c *Client) TableQuestionAnswering(ctx context.Context, table map[string][]string, query string, p *TableQuestionAnsweringParameters, opts ...CallOption) (*TableQuestionAnsweringOutputElement, error) {
	in := map[string]any{"query": query, "table": table}
	return runOne[TableQuestionAnsweringOutputElement](ctx, c, TaskTableQuestionAnswering, taskInput{inputs: in}, p, opts)
}

// TabularClassification classifies each row of table (column name ->
// cells), one label per row.
func (c *Client) TabularClassification(ctx context.Context, table map[string][]string, opts ...CallOption) ([]string, error) {
	return runJSON[[]string](ctx, c, TaskTabularClassification, taskInput{}, nil, tableFirst(table, opts))
}

// TabularRegression predicts a number for each row of table (column name
// -> cells), one per row.
func (c *Client) TabularRegression(ctx context.Context, table map[string][]string, opts ...CallOption) ([]float64, error) {
	return runJSON[[]float64](ctx, c, TaskTabularRegression, taskInput{}, nil, tableFirst(table, opts))
}

// ZeroShotClassification scores text against labels the caller chooses
// (p.CandidateLabels, required), best label first.
func (c *Client) ZeroShotClassification(ctx context.Context, text string, p *ZeroShotClassificationParameters, opts ...CallOption) ([]ZeroShotClassificationOutputElement, error) {
	if p == nil || len(p.CandidateLabels) == 0 {
		return nil, errNeed(TaskZeroShotClassification, "candidate labels")
	}
	tc, r, err := c.call(ctx, TaskZeroShotClassification, taskInput{inputs: text}, p, opts)
	if err != nil {
		return nil, err
	}
	// The pipeline's own shape is {"sequence", "labels", "scores"}; newer
	// servers answer with the list of {label, score}.
	if firstByte(r.data) == '{' {
		var pipe struct {
			Labels []string  `json:"labels"`
			Scores []float64 `json:"scores"`
		}
		if err := tc.decodeJSON(r, &pipe); err != nil {
			return nil, err
		}
		if len(pipe.Labels) != len(pipe.Scores) {
			return nil, tc.unexpected(r, "labels and scores differ in length")
		}
		out := make([]ZeroShotClassificationOutputElement, len(pipe.Labels))
		for i := range pipe.Labels {
			out[i] = ZeroShotClassificationOutputElement{Label: pipe.Labels[i], Score: pipe.Scores[i]}
		}
		return out, nil
	}
	var out []ZeroShotClassificationOutputElement
	err = tc.decodeJSON(r, &out)
	return out, err
}

// tableFirst sends a tabular task's table as the body's "table" field, as
// the Python client does, before the caller's own extra fields.
func tableFirst(table map[string][]string, opts []CallOption) []CallOption {
	return append([]CallOption{ExtraBody(map[string]any{"table": table})}, opts...)
}
