#!/usr/bin/env bash
# Background services, each tracked by a pid file in $THOPS_HOME/run and stopped by that pid:
#   start-chain   the persistent local chain (anvil, port 8547, chain id 31338, state kept on disk)
#   start-devnet  the upstream chain for fork tests (anvil, port 8555, chain id 4242, no state)
#   start-node    the local Lilypad node (`tiny-hops node`)
#   stop [NAME]   stop one service, or all of them
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PWD/.venv/bin:$PATH"
HOME_DIR="${THOPS_HOME:-$HOME/.tiny-hops}"
RUN_DIR="$HOME_DIR/run"
LOG_DIR="$HOME_DIR/logs"
mkdir -p "$RUN_DIR" "$LOG_DIR" "$HOME_DIR/chain"

alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

wait_rpc() { # port
  for _ in $(seq 1 100); do
    if curl -s -X POST -H 'content-type: application/json' \
        --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$1" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "no chain answered on port $1 (see $LOG_DIR)" >&2
  return 1
}

start_anvil() { # name port chain-id [extra args...]
  local name=$1 port=$2 chain_id=$3; shift 3
  if alive "$name"; then echo "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"; return 0; fi
  if curl -s "http://127.0.0.1:$port" >/dev/null 2>&1; then
    echo "port $port is taken by a process this script did not start: stop it first" >&2; return 1
  fi
  nohup anvil --host 127.0.0.1 --port "$port" --chain-id "$chain_id" "$@" >"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  wait_rpc "$port"
  echo "$name started on 127.0.0.1:$port (chain id $chain_id, pid $(cat "$RUN_DIR/$name.pid"))"
}

stop_one() { # name
  local name=$1 pid
  [ -f "$RUN_DIR/$name.pid" ] || return 0
  pid=$(cat "$RUN_DIR/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    echo "$name stopped (pid $pid)"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

case "${1:-}" in
  start-chain)
    start_anvil chain 8547 31338 --state "$HOME_DIR/chain/state.json" --state-interval 2 ;;
  start-devnet)
    start_anvil devnet 8555 4242 ;;
  start-node)
    if alive node; then echo "node already running (pid $(cat "$RUN_DIR/node.pid"))"; exit 0; fi
    nohup tiny-hops node --poll "${THOPS_NODE_POLL:-0.5}" >"$LOG_DIR/node.log" 2>&1 &
    echo $! >"$RUN_DIR/node.pid"
    sleep 1
    alive node || { echo "the node exited at once:" >&2; tail -20 "$LOG_DIR/node.log" >&2; exit 1; }
    echo "node started (pid $(cat "$RUN_DIR/node.pid"), log $LOG_DIR/node.log)" ;;
  stop)
    if [ -n "${2:-}" ]; then stop_one "$2"; else stop_one node; stop_one chain; stop_one devnet; fi ;;
  *)
    echo "usage: $0 start-chain|start-devnet|start-node|stop [NAME]" >&2; exit 2 ;;
esac
