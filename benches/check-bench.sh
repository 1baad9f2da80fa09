#!/usr/bin/env bash
# Benchmark: `zyz check` over 10,000 town files (release build).
#
#   benches/check-bench.sh [N]        # N town files, default 10000
#   ZYZ_BIN=path/to/zyz benches/check-bench.sh   # time an already-built binary
#
# Makes a temporary content folder from the sample (city, plan, standards) and N copies of the
# sample towns with fresh ids, names and problem ids (so cross-file rules see no duplicates), then
# times `zyz check` three times and prints the figures. Target: under 2 s for 10,000 files.
set -euo pipefail
N="${1:-10000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${ZYZ_BIN:-}" ]; then
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin zyz
fi
BIN="${ZYZ_BIN:-$ROOT/target/release/zyz}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/content/towns"
cp -r "$ROOT/content/city.yaml" "$ROOT/content/plan.yaml" "$ROOT/content/proofread.yaml" "$ROOT/content/standards" "$WORK/content/"
python3 - "$ROOT/content/towns" "$WORK/content/towns" "$N" <<'PY'
import os, re, sys
A = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
def code(body):
    s = sum(A.index(c) * w for c, w in zip(body, W))
    return body + A[(31 - s % 31) % 31]
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
towns = sorted(f for f in os.listdir(src) if f.endswith(".yaml"))
texts = [open(os.path.join(src, f), encoding="utf-8").read() for f in towns]
for i in range(n):
    t = texts[i % len(texts)]
    tid = f"t{i:05d}"
    t = re.sub(r"(?m)^id: .*$", f"id: {tid}", t, count=1)
    # A unique name: keep the 镇/街道 suffix, and let the town's own units point at itself.
    old = re.search(r"(?m)^name: (.*)$", t).group(1)
    suffix = "街道" if old.endswith("街道") else "镇"
    new = f"测{i:05d}{suffix}"
    t = t.replace(old, new)
    # Fresh credit codes (valid check characters) so no enterprise appears in two towns.
    k = iter(range(1000))
    t = re.sub(r"credit_code: \w{18}", lambda m: "credit_code: " + code(f"91140881B{i:05d}{next(k):03d}"), t)
    if i >= len(texts):
        # Ledger ids are unique city-wide (YYYY-Qn-NNN): copies keep no problems of their own.
        t = re.sub(r"(?ms)^problems:.*\Z", "problems: []\n", t)
    open(os.path.join(dst, tid + ".yaml"), "w", encoding="utf-8").write(t)
PY
BYTES=$(du -sb "$WORK/content/towns" | cut -f1)
echo "files: $N town files, $((BYTES / 1024 / 1024)) MiB; cores: $(nproc)"
for run in 1 2 3; do
  START=$(date +%s.%N)
  set +e
  "$BIN" check --content "$WORK/content" --format json > "$WORK/out.json"
  CODE=$?
  set -e
  END=$(date +%s.%N)
  echo "run $run: $(echo "$END - $START" | bc) s (exit $CODE, $(python3 -c "import json;d=json.load(open('$WORK/out.json'));print(d['errors'],'errors,',d['warnings'],'warnings')"))"
done
