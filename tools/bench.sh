#!/usr/bin/env bash
# make bench: gas figures (bench/gas.py) and wall-clock figures (bench/speed.py). Each prints its
# ratio to the previous run on this machine (kept in .run/bench-*.json) and to the original
# contract's figures where known (bench/baseline.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PWD/.venv/bin:$PATH"
mkdir -p .run
ape compile >/dev/null
echo "== gas (TinyHops against a backend that only hands out job ids)"
python bench/gas.py .run/bench-gas.json 2>&1 | grep -v -E "^(INFO|WARNING):"
echo
echo "== speed (local chain, local node, real modules)"
python bench/speed.py .run/bench-speed.json 2>&1 | grep -v -E "^(INFO|WARNING):"
