#!/usr/bin/env bash
# make test-fork: an upstream chain (anvil, "devnet", chain id 4242) with TinyHops and LocalModicum
# deployed by `ape run deploy` and a few workflows launched by `ape run launch`, then the fork
# suite on `ethereum:devnet-fork:foundry` against those deployed contracts and live workflows.
# Everything it starts is stopped at exit. To point it at Lilypad's real testnet later, change
# the upstream network's URI (node.ethereum.devnet.uri) and deploy with --lilypad.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PWD/.venv/bin:$PATH"
export THOPS_HOME="${THOPS_FORK_HOME:-$(mktemp -d)}"
trap 'bash tools/services.sh stop devnet >/dev/null' EXIT
bash tools/services.sh start-devnet
UP="--network ethereum:devnet:node"
ape run deploy $UP
ape run launch --spec tests/spec/reference-example.thops.json --deposit 20 $UP
ape run launch --spec tests/spec/reference-example.thops.json --deposit 20 $UP
# one that will stall on its balance (cowsay costs 1 ETH: 2 ETH runs two of the four steps)
ape run launch --spec tests/spec/reference-example.thops.json --deposit 2 --allow-partial $UP
ape test tests/fork --network ethereum:devnet-fork:foundry -p no:cacheprovider "$@"
