//go:build race

package mcpclient_test

// raceEnabled is set when the race detector is, which makes mcp-go's JSON
// decoding about ten times slower.
const raceEnabled = true
