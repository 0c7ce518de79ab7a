#!/usr/bin/env bash
# Static analysis of the deployable contracts with Slither (tools/slither-input.json: TinyHops and
# LocalModicum). Exits non-zero on any high- or medium-severity finding that slither.waivers.json
# does not waive with a reason. See docs/security.md.
#
# Slither drives the compiler through a standard-JSON input file (`solc-json` framework) and a
# `solc` on PATH: here the solcjs wrapper tools/solc.js, linked into a temporary folder.
#
#   tools/slither.sh                          analyse and gate
#   tools/slither.sh --gate REPORT WAIVERS    only gate an existing Slither JSON report (for tests)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$ROOT/.venv/bin:$PATH"

gate() {
  python3 - "$1" "$2" <<'PY'
"""Gate of tools/slither.sh: fails on every high- or medium-impact Slither finding that is not
waived in slither.waivers.json. Usage: (embedded) REPORT.json WAIVERS.json

A waiver names a detector (`check`), a regular expression that the finding's first description
line must match (`match`, line numbers stripped), and a `reason`. A reentrancy waiver may also
list `cross_function_allow`: the functions Slither may name as reachable "in cross function
reentrancies"; if Slither names any other function, the waiver does not apply (so adding a
state-changing function without a guard brings the finding back).
"""
import json
import re
import sys

GATED = {"High", "Medium"}


def first_line(desc: str) -> str:
    return re.sub(r"#\d+(-\d+)?", "", desc.splitlines()[0]).strip()


def cross_functions(desc: str) -> set[str]:
    out, grab = set(), False
    for line in desc.splitlines():
        if "can be used in cross function reentrancies" in line:
            grab = True
            continue
        m = re.match(r"\t- ([A-Za-z_]\w*\.[A-Za-z_]\w*\([^)]*\)) \(", line)
        if grab and m:
            out.add(m.group(1))
        else:
            grab = False
    return out


def waiver_for(finding, waivers):
    line = first_line(finding["description"])
    for w in waivers:
        if w["check"] != finding["check"] or not re.search(w["match"], line):
            continue
        allow = w.get("cross_function_allow")
        if allow is not None:
            extra = cross_functions(finding["description"]) - set(allow)
            if extra:
                continue
        return w
    return None


def main(report_path, waivers_path):
    report = json.load(open(report_path))
    waivers = json.load(open(waivers_path))["waivers"]
    findings = report.get("results", {}).get("detectors", [])
    used, failures = set(), []
    counts = {}
    for f in findings:
        counts[f["impact"]] = counts.get(f["impact"], 0) + 1
        if f["impact"] not in GATED:
            continue
        w = waiver_for(f, waivers)
        if w is None:
            failures.append(f)
        else:
            used.add(id(w))
            print(f"waived  [{f['impact']}] {f['check']}: {first_line(f['description'])}")
            print(f"        reason: {w['reason']}")
    print("slither findings by impact:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for w in waivers:
        if id(w) not in used:
            print(f"note: waiver not used (stale?): {w['check']} /{w['match']}/")
    for f in failures:
        print(f"\nUNWAIVED [{f['impact']}/{f['confidence']}] {f['check']}\n{f['description']}")
    if failures:
        print(f"slither.sh: {len(failures)} high/medium finding(s) not waived", file=sys.stderr)
        return 1
    print("slither.sh: no unwaived high/medium findings")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
PY
}

if [ "${1:-}" = "--gate" ]; then
  gate "$2" "$3"
  exit $?
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
ln -s "$ROOT/tools/solc.js" "$TMP/solc"
export PATH="$TMP:$PATH"

# Slither exits non-zero whenever it reports anything; the verdict is ours (below).
set +e
slither tools/slither-input.json \
  --compile-force-framework solc-json \
  --config-file slither.config.json \
  --json "$TMP/report.json" >"$TMP/slither.log" 2>&1
status=$?
set -e
if [ ! -s "$TMP/report.json" ]; then
  cat "$TMP/slither.log" >&2
  echo "slither.sh: Slither produced no report (exit $status)" >&2
  exit 2
fi

gate "$TMP/report.json" "$ROOT/slither.waivers.json"
