#!/usr/bin/env bash
# Runs the agent against the real MCP servers from npm (pinned), with the
# fake LLM: server-everything over stdio, sse and streamable HTTP, and
# server-filesystem. The servers are installed on demand under .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${INTEGRATION_CACHE:-.cache/integration}
VERSION=2026.8.31
pkg=$CACHE/node_modules/@modelcontextprotocol
if ! grep -qs "\"version\": \"$VERSION\"" "$pkg/server-everything/package.json" "$pkg/server-filesystem/package.json"; then
  mkdir -p "$CACHE"
  npm install --no-audit --no-fund --silent --prefix "$CACHE" \
    "@modelcontextprotocol/server-everything@$VERSION" "@modelcontextprotocol/server-filesystem@$VERSION" 2>&1 | grep -v nodedir || true
fi
TINY_AGENTS_NPM=$(cd "$CACHE/node_modules" && pwd) go test -tags integration -run Integration -count=1 -v ./cmd/tiny-agents/
