module github.com/tiny-agents-go/tiny-agents

go 1.26

require github.com/tmaxmax/go-sse v0.12.0
