#!/usr/bin/env bash
# make test: every suite. The local-chain suites (contract, spec, node, CLI, properties, security,
# graph) on ape's foundry provider (its own anvil on a free port), then the fork suite
# (tools/test-fork.sh starts and stops its own upstream chain). HYPOTHESIS_PROFILE=thorough runs
# ten times the examples.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PWD/.venv/bin:$PATH"
# Tests never touch the user's ~/.tiny-hops.
export THOPS_HOME="$(mktemp -d)"
trap 'rm -rf "$THOPS_HOME"' EXIT
echo "== compile"
ape compile
echo "== local-chain suites (Hypothesis profile: ${HYPOTHESIS_PROFILE:-default})"
ape test tests --network ethereum:local:foundry -p no:cacheprovider --ignore tests/fork
echo "== fork suite"
bash tools/test-fork.sh
