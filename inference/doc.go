// Package inference is a client for Hugging Face inference: the router,
// the inference providers behind it, and any OpenAI-compatible endpoint.
//
// # Getting started
//
// Build one [Client] per configuration and share it: it is safe for
// concurrent use and caches what it learns from the Hub.
//
//	client, err := inference.NewClient(inference.WithModel("meta-llama/Llama-3.3-70B-Instruct"))
//	if err != nil { ... }
//	out, err := client.ChatCompletion(ctx, &inference.ChatCompletionInput{
//		Messages: []inference.ChatMessage{{Role: inference.RoleUser, Content: "Hello!"}},
//	})
//
// Streaming returns an iterator; nothing is sent until the loop starts, and
// leaving the loop closes the connection:
//
//	for chunk, err := range client.ChatCompletionStream(ctx, in) {
//		if err != nil { ... } // terminal
//		fmt.Print(chunk.Choices[0].Delta.Content)
//	}
//
// Code written for OpenAI clients finds the same call under
// client.Chat.Completions.Create and CreateStream.
//
// # Credentials and routing
//
// Without [WithToken] the client reads HF_TOKEN, HUGGING_FACE_HUB_TOKEN, then
// the token file ($HF_TOKEN_PATH, $HF_HOME/token or
// ~/.cache/huggingface/token). Where a request goes depends on the model,
// the provider and the key:
//
//   - a URL model (or [WithBaseURL]) is called directly, with
//     /v1/chat/completions appended as needed;
//   - provider "auto" (the default) sends chat to the router's
//     /v1/chat/completions with the Hub model id, suffixes such as
//     ":fastest", ":cheapest" or ":groq" included; it needs an hf_ token;
//   - a named provider needs the Hub's mapping of the model to the
//     provider's own id (fetched once per model from
//     {hub}/api/models/{id}?expand[]=inferenceProviderMapping); with an hf_
//     token the call goes through {router}/{provider}, with the provider's
//     own key straight to the provider.
//
// HF_ENDPOINT and HF_ROUTER_URL (or [WithHubURL] and [WithRouterURL]) move
// the Hub and the router, for self-hosting and tests.
//
// Credentials stay on the origin they were meant for: a redirect to
// another scheme, host or port goes without Authorization, Cookie,
// provider key headers and the headers of [WithHeader] ([CheckRedirect];
// a client given with [WithHTTPClient] keeps its own policy). URLs in
// errors and logs lose their userinfo and query.
//
// # Chat providers
//
// The chat route of each provider, after {router}/{provider} with an hf_
// token or after the provider's own base URL with its key:
//
//	provider        chat route                                   notes
//	baseten         /v1/chat/completions
//	cerebras        /v1/chat/completions
//	cohere          /compatibility/v1/chat/completions           json_schema sent as json_object + schema
//	deepinfra       /v1/openai/chat/completions
//	featherless-ai  /v1/chat/completions
//	fireworks-ai    /inference/v1/chat/completions               json_schema sent as json_object + schema
//	groq            /openai/v1/chat/completions
//	hf-inference    /models/{model}/v1/chat/completions          router only; json_schema sent as json_object + value
//	hyperbolic      /v1/chat/completions
//	nebius          /v1/chat/completions                         schema also sent as guided_json
//	novita          /v3/openai/chat/completions
//	nscale          /v1/chat/completions
//	openai          /v1/chat/completions                         own key only; OpenAI model ids
//	ovhcloud        /v1/chat/completions
//	publicai        /v1/chat/completions
//	sambanova       /v1/chat/completions                         strict schemas sent with strict false
//	scaleway        /v1/chat/completions
//	together        /v1/chat/completions                         json_schema sent as type + schema
//	zai-org         /api/paas/v4/chat/completions                adds Accept-Language and X-Source-Channel
//
// [Providers] and [SupportedTasks] list the registry at run time.
//
// # Tasks
//
// Besides chat, the client has a method per Hugging Face task
// ([Client.TextToImage], [Client.AutomaticSpeechRecognition],
// [Client.FeatureExtraction], [Client.ImageTextToVideo], ...), each with
// typed parameters and output (generated from the @huggingface/tasks specs
// into tasks_gen.go). The [Model] and [Provider] call options, and the
// Model and Provider fields of [ChatCompletionInput], change the model or
// the provider of one call. Binary inputs are a [Media]: [FromBytes],
// [FromReader], [FromFile] or [FromURL]; binary outputs a [Blob], whose
// Image method decodes PNG, JPEG, GIF and WebP. Asynchronous providers are
// polled every [WithPollInterval] until the job ends or the context does.
//
// An output field that a real answer may leave out is a pointer, so that
// a missing value is not mistaken for zero: a document-question-answering
// answer may come without score or span. Optional text fields stay strings
// (absent and empty mean the same there).
//
// The specs also describe tasks no method calls (depth-estimation,
// video-classification, zero-shot-object-detection): their generated types
// are wire types only, for requests sent with [Client.Post] and answers
// decoded by the caller. [Client.PostStream] is the same escape hatch for
// answers in server-sent events. A deployed TGI or TEI endpoint also
// answers [Client.HealthCheck] and [Client.EndpointInfo].
//
// Which provider serves which task (a URL model, a deployed endpoint,
// takes every task in the hf-inference shape):
//
// BEGIN SUPPORT TABLE.
//
//	task                            providers
//	audio-classification            hf-inference
//	audio-to-audio                  fal-ai, hf-inference
//	automatic-speech-recognition    deepinfra, fal-ai, hf-inference, replicate, together
//	conversational                  baseten, cerebras, cohere, deepinfra, featherless-ai, fireworks-ai, groq, hf-inference, hyperbolic, nebius, novita, nscale, openai, ovhcloud, publicai, sambanova, scaleway, together, zai-org
//	document-question-answering     hf-inference
//	feature-extraction              deepinfra, hf-inference, nebius, scaleway, together
//	fill-mask                       hf-inference
//	image-classification            hf-inference
//	image-segmentation              fal-ai, hf-inference
//	image-text-to-image             fal-ai, wavespeed
//	image-text-to-video             fal-ai, novita, wavespeed
//	image-to-image                  fal-ai, hf-inference, replicate, together, wavespeed
//	image-to-text                   hf-inference, zai-org
//	image-to-video                  fal-ai, together, wavespeed
//	object-detection                hf-inference
//	question-answering              hf-inference
//	sentence-similarity             hf-inference
//	summarization                   hf-inference
//	table-question-answering        hf-inference
//	tabular-classification          hf-inference
//	tabular-regression              hf-inference
//	text-classification             hf-inference
//	text-generation                 deepinfra, featherless-ai, groq, hf-inference, hyperbolic, nebius, novita, ovhcloud, scaleway, together
//	text-to-audio                   fal-ai, hf-inference
//	text-to-image                   black-forest-labs, deepinfra, fal-ai, hf-inference, hyperbolic, nebius, nscale, replicate, together, wavespeed, zai-org
//	text-to-speech                  deepinfra, fal-ai, hf-inference, replicate, together
//	text-to-video                   fal-ai, novita, replicate, together, wavespeed
//	token-classification            hf-inference
//	translation                     hf-inference
//	visual-question-answering       hf-inference
//	zero-shot-classification        hf-inference
//	zero-shot-image-classification  hf-inference
//
// END SUPPORT TABLE.
//
// # Errors
//
// A non-2xx answer is an [*HTTPError] with the status, the request id and
// the server's message. Deadlines match [ErrTimeout] (and
// context.DeadlineExceeded): the caller's, the per-attempt bound of
// [WithTimeout], and the idle timeout of [WithIdleTimeout], which ends an
// attempt when the server sends nothing for that long and also matches
// [ErrIdleTimeout]. Configuration mistakes wrap [ErrInvalidOption],
// [ErrUnknownProvider], [ErrTaskNotSupported], [ErrModelNotMapped] or
// [ErrNoToken]. A stream ends with io.ErrUnexpectedEOF when the connection
// closes before [DONE] or a finish reason, with a [*StreamError] when the
// server sends an error event, and with an error matching
// [ErrMalformedStream] when an event does not parse. An answer past the
// size limits of [WithMaxResponseBytes] (by default 256 MiB of JSON, 1 GiB
// of media, counted after decompression), or a stream event longer than
// 16 MiB, fails with an error matching [ErrResponseTooLarge].
//
// # Retries
//
// By default a request is retried up to three times ([WithMaxRetries]; 0
// turns retries off) when it fails with 408, 429 or a 5xx status, or with
// a connection failure before any response. The waits grow exponentially
// from 500 ms to 8 s with jitter ([WithRetryBackoff]); a Retry-After of up
// to a minute is honoured instead, and a server asking for more gets its
// error returned at once, with a note saying so. This is the OpenAI SDKs'
// convention (408, 409, 429 and 5xx, twice by default) less 409, a lock
// timeout on OpenAI's API but no transient failure elsewhere; the JS
// Hugging Face client retries 503 only, the Python one nothing.
//
// Not retried: timeouts, a health check, and a stream that has started
// (its chunks have been seen). An asynchronous job the provider has
// acknowledged is never submitted again: after a job id came back, only
// the polls and the fetching of the result are retried, and a poll that
// keeps failing ends the call with its error, not a second submission. A
// submission that failed with no acknowledgement (a 5xx without a job id,
// a reset connection) may be sent again. [WithRetryHook] tells the caller
// about each wait before it starts.
//
// # Testing
//
// Package inferencetest provides a scripted OpenAI-compatible server and a
// fake Hub, for this package's tests and for embedders'.
package inference
