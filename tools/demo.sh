#!/usr/bin/env bash
# make demo: the main job end to end on one machine. Starts the persistent local chain and the
# local Lilypad node (unless already running), deploys LocalModicum and TinyHops, launches
# examples/sample.thops.json (a fan-out and a fan-in), watches it to completion, prints the final
# result and the path of the graph picture, then stops what it started. Exits non-zero if the
# workflow does not complete.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PWD/.venv/bin:$PATH"
export THOPS_HOME="${THOPS_HOME:-$HOME/.tiny-hops}"
RUN_DIR="$THOPS_HOME/run"
SPEC=examples/sample.thops.json
svc() { bash tools/services.sh "$@"; }
alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

started_chain=0
cleanup() {
  svc stop node >/dev/null || true   # the node is always ours: it was (re)started for this deployment
  if [ "$started_chain" = 1 ]; then svc stop chain; fi
}
trap cleanup EXIT

echo "== 1. local chain"
if alive chain; then echo "using the chain already running (pid $(cat "$RUN_DIR/chain.pid"))"; else svc start-chain; started_chain=1; fi

echo "== 2. deploy LocalModicum and TinyHops"
tiny-hops deploy

echo "== 3. local Lilypad node"
tiny-hops put --wasm-sample upper >/dev/null   # the wasm module the spec's 'shout' step runs
svc stop node >/dev/null || true
svc start-node

echo "== 4. validate and launch $SPEC"
tiny-hops validate "$SPEC"
out=$(tiny-hops run "$SPEC")
echo "$out"
wf=$(echo "$out" | sed -n 's/^Your workflowId is : //p')
[ -n "$wf" ] || { echo "no workflow id in the output above" >&2; exit 1; }

echo "== 5. watch workflow $wf"
tiny-hops monitor "$wf" --watch --timeout 300
echo

echo "== 6. result"
final=$(tiny-hops monitor "$wf" --json | python -c 'import json,sys; s=json.load(sys.stdin); print(s["steps"][-1]["resultCid"] if s["status"]=="Completed" else "")')
[ -n "$final" ] || { echo "workflow $wf did not complete" >&2; exit 1; }
echo "final result $final:"
tiny-hops get "$final"
mkdir -p "$THOPS_HOME/demo"
tiny-hops graph --workflow "$wf" -o "$THOPS_HOME/demo/workflow-$wf.svg" --mermaid
echo "graph picture: $THOPS_HOME/demo/workflow-$wf.svg"
