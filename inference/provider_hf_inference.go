package inference

// hfInference is Hugging Face's own serverless inference, reached only
// through the router, at a per-model path. It serves every task; the
// non-chat ones take {"inputs", "parameters"} (or raw bytes) at
// /models/{id}, which is also what deployed endpoints take.
var hfInference = &provider{
	routerOnly: true,
	tasks: map[Task]*taskHelper{
		TaskConversational: {
			route: func(model string) string { return "/models/" + model + "/v1/chat/completions" },
			chat: func(p *chatPayload) {
				if s, ok := p.jsonSchema(); ok {
					p.responseFormat = map[string]any{"type": "json_object", "value": s}
				}
			},
		},
		TaskFeatureExtraction: {
			route: pipelineRoute(TaskFeatureExtraction),
			body:  hfFeatureExtractionBody,
		},
		TaskSentenceSimilarity:          {route: pipelineRoute(TaskSentenceSimilarity)},
		TaskAudioClassification:         {},
		TaskAudioToAudio:                {},
		TaskAutomaticSpeechRecognition:  {},
		TaskDocumentQuestionAnswering:   {},
		TaskFillMask:                    {},
		TaskImageClassification:         {},
		TaskImageSegmentation:           {},
		TaskImageToImage:                {},
		TaskImageToText:                 {},
		TaskObjectDetection:             {},
		TaskQuestionAnswering:           {},
		TaskSummarization:               {},
		TaskTableQuestionAnswering:      {},
		TaskTabularClassification:       {},
		TaskTabularRegression:           {},
		TaskTextToAudio:                 {},
		TaskTextClassification:          {},
		TaskTextGeneration:              {},
		TaskTextToImage:                 {},
		TaskTextToSpeech:                {},
		TaskTokenClassification:         {},
		TaskTranslation:                 {},
		TaskVisualQuestionAnswering:     {},
		TaskZeroShotClassification:      {},
		TaskZeroShotImageClassification: {},
	},
}

// pipelineRoute forces a pipeline on models that serve several.
func pipelineRoute(task Task) func(string) string {
	return func(model string) string { return "/models/" + model + "/pipeline/" + string(task) }
}

// hfFeatureExtractionBody puts the parameters beside "inputs", where the
// feature-extraction spec has them.
func hfFeatureExtractionBody(tc *taskCall) (*taskBody, error) {
	return compatBody(tc, tc.params, map[string]any{"inputs": tc.inputs})
}
