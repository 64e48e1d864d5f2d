// Package inferencetest provides fakes of the services an inference client
// talks to, for tests, in the manner of net/http/httptest: each starts an
// [httptest.Server] on the loopback interface and closes it when the test
// ends.
//
// # Server
//
// [NewServer] starts an OpenAI-compatible chat completions endpoint that
// follows a script: each request, whatever its path, consumes the next
// [Step] and gets the reply the Step describes. A Step can stream text
// pieces and tool-call deltas with the exact wire shapes of the OpenAI
// chat API, answer without streaming, fail with an HTTP error, send an
// "error" event, pace its chunks, stall before or after the response
// headers, truncate the stream, send raw server-sent events, or reset the
// connection. The server records every request, can require
// a bearer token, and fails the test if a request comes that the script
// did not expect or if a scripted step is never consumed.
//
//	func TestChat(t *testing.T) {
//		srv := inferencetest.NewServer(t,
//			inferencetest.Text("Hello", ", world"),
//			inferencetest.HTTPError(http.StatusTooManyRequests, `{"error":"slow down"}`),
//		)
//		srv.RequireToken("hf_test")
//		// Point the client under test at srv.URL, call it twice, then
//		// inspect what it sent:
//		body := srv.Request(0).JSON(t)
//		_ = body["messages"]
//	}
//
// # Hub
//
// [NewHub] starts a fake Hugging Face Hub that serves model info with
// inference provider mappings, in the list form the Hub sends today or the
// older object form, and repository files added with [Hub.AddFile].
// [Hub.Count] tells how often a path was requested, for testing caches.
//
// # Testing without *testing.T
//
// Both constructors take a [TB], the three methods of [testing.TB] they
// use, so an Example can run a fake with a small type of its own.
package inferencetest
