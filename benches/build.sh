#!/usr/bin/env bash
# Benchmark: `zyz build` over N generated towns (release build), against the typst CLI.
#
#   benches/build.sh [N]              # N generated towns, default 100 (run with 100 and 1000)
#   ZYZ_BIN=path/to/zyz benches/build.sh 1000    # time an already-built binary
#   CLI_CAP=60 KEEP=1 benches/build.sh 1000      # CLI sample size; keep the work folder
#
# Steps (all with the release binary, -j 2, run from the project folder so templates/ and fonts/
# are the project's):
#   1. benches/gen-towns.py N → a content folder; `zyz check` must report no errors.
#   2. Full build (--force --timings --formats pdf: PDF only, as the CLI writes) under
#      /usr/bin/time -v: wall time, documents/s, pages/s, PDF bytes per page (what every revision
#      of the documents adds to a git archive), peak RSS; VmRSS of the zyz process sampled every
#      0.5 s (first / middle / last / max). Then one more full build with --formats pdf,ofd,docx:
#      what the OFD and DOCX files cost beside the PDFs (wall time and bytes).
#   3. No-op rebuild: wall time and the ratio full / no-op (target ≥ 50×).
#   4. Edit one town (the lead unit of its first task → another department of city.yaml) and
#      rebuild: wall time (target < 1 s) and the documents it rebuilt.
#   5. --emit-typ build to get the generated Typst sources; the typst CLI on an even sample of
#      about CLI_CAP of them (every k-th in path order, so every kind is represented), one at a time and two at a time (xargs -P 2), same fonts (bundled only, no
#      system or embedded fonts) and PDF/A-2b; ratios of the PDF-only build's documents/s to the
#      CLI's (figures for reference: the goal that holds now is zyz within 10 % of the bare engine,
#      which `cargo bench --bench floor` measures in one process).
# Targets: peak memory < 600 MB for N = 1,000; no RSS growth trend.
set -euo pipefail
N="${1:-100}"
CLI_CAP="${CLI_CAP:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if [ -z "${ZYZ_BIN:-}" ]; then
  cargo build --release --quiet --bin zyz
fi
BIN="${ZYZ_BIN:-$ROOT/target/release/zyz}"
TYPST="${TYPST:-$HOME/.cargo/bin/typst}"
if ! "$TYPST" --version 2>/dev/null | grep -q '0\.15\.1'; then
  if command -v typst >/dev/null && typst --version | grep -q '0\.15\.1'; then
    TYPST="$(command -v typst)"
  else
    cargo install typst-cli --version 0.15.1 --locked
    TYPST="$HOME/.cargo/bin/typst"
  fi
fi
if [ ! -x /usr/bin/time ]; then
  apt-get install -y time >/dev/null
fi
WORK="$(mktemp -d)"
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi
G="$WORK/content"
O="$WORK/out"

now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
calc() { python3 -c "import sys; print(f'{eval(sys.argv[1]):.${2:-1}f}')" "$1"; }
manifest() { # documents pages
  python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['documents']; print(len(d), sum(e['pages'] for e in d))" "$1/manifest.json"
}

echo "== zyz build benchmark: N = $N towns, $(nproc) cores, $(date -u +%Y-%m-%d), $("$BIN" --version 2>/dev/null || echo zyz), $("$TYPST" --version)"

# 1. Generate and check.
python3 "$ROOT/benches/gen-towns.py" "$N" "$G"
set +e
"$BIN" check --content "$G" --format json > "$WORK/check.json"
set -e
read -r ERR WARN < <(python3 -c "import json; d=json.load(open('$WORK/check.json')); print(d['errors'], d['warnings'])")
echo "check: $ERR errors, $WARN warnings"
if [ "$ERR" != 0 ]; then echo "generated towns have errors; stopping" >&2; exit 1; fi

# 2. Full build, with RSS sampling.
build() { "$BIN" build --content "$G" --out "$O" -j 2 --formats pdf "$@"; }
START=$(now)
/usr/bin/time -v "$BIN" build --content "$G" --out "$O" --force -j 2 --timings --formats pdf > "$WORK/full.out" 2> "$WORK/full.err" &
TPID=$!
: > "$WORK/rss.txt"
PID=""
for _ in $(seq 1 50); do PID="$(pgrep -P "$TPID" 2>/dev/null | head -1 || true)"; [ -n "$PID" ] && break; sleep 0.02; done
while kill -0 "$TPID" 2>/dev/null; do
  if [ -n "$PID" ] && [ -r "/proc/$PID/status" ]; then
    awk '/^VmRSS/ {print $2}' "/proc/$PID/status" >> "$WORK/rss.txt" 2>/dev/null || true
  fi
  sleep 0.5
done
set +e; wait "$TPID"; CODE=$?; set -e
END=$(now)
FULL=$(secs "$START" "$END")
read -r DOCS PAGES < <(manifest "$O")
PEAK_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/full.err")
echo "full build: $FULL s (exit $CODE), $DOCS documents, $PAGES pages → $(calc "$DOCS/$FULL") documents/s, $(calc "$PAGES/$FULL") pages/s"
# Archive growth: what one page adds to the git archive at every revision of the documents.
PDF_BYTES=$(find "$O" -name '*.pdf' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
echo "PDF bytes: $PDF_BYTES in $PAGES pages → $(calc "$PDF_BYTES/$PAGES/1024") KiB per page"
grep -E '^  (load|check|render|typeset|pdf|write) ' "$WORK/full.err" | sed 's/^/  stage /' || true
grep -E ' built, ' "$WORK/full.err" | tail -1 | sed 's/^/  zyz: /' || true
grep -E 'overflowed its stack|fatal runtime error|was not built|^error\[' "$WORK/full.err" | sort | uniq -c | head -10 | sed 's/^/  problem: /' || true
if [ "$DOCS" = 0 ]; then echo "the full build produced no documents (exit $CODE); stopping" >&2; exit 1; fi
echo "  peak RSS (time -v): $((PEAK_KB / 1024)) MB$( [ "$N" -ge 1000 ] && echo " (target < 600 MB: $( [ "$PEAK_KB" -lt $((600 * 1024)) ] && echo met || echo MISSED))")"
python3 - "$WORK/rss.txt" <<'PY'
import sys
s = [int(x) for x in open(sys.argv[1]).read().split() if x.strip()]
if not s:
    print("  VmRSS samples: none (build finished in under 0.5 s)")
else:
    mb = lambda k: f"{k / 1024:.0f}"
    print(f"  VmRSS samples every 0.5 s: {len(s)}; first {mb(s[0])} / middle {mb(s[len(s)//2])} / last {mb(s[-1])} / max {mb(max(s))} MB")
    if len(s) >= 6:
        third = len(s) // 3
        a = sum(s[third:2*third]) / third
        b = sum(s[-third:]) / third
        trend = "growing" if b > a * 1.10 else "flat"
        print(f"  RSS trend (middle third → last third mean): {a/1024:.0f} → {b/1024:.0f} MB: {trend}")
PY

# 2b. The other formats beside the PDFs: one full build writing PDF, OFD and DOCX.
O3="$WORK/out-all"
START=$(now)
"$BIN" build --content "$G" --out "$O3" --force -j 2 --formats pdf,ofd,docx -q > /dev/null 2> "$WORK/all.err" || true
END=$(now)
ALL=$(secs "$START" "$END")
size() { find "$O3" -name "*.$1" -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1048576}'; }
echo "full build with --formats pdf,ofd,docx: $ALL s ($(calc "$ALL/$FULL" 2)× the PDF-only build); PDF $(size pdf) MB, OFD $(size ofd) MB, DOCX $(size docx) MB"

# 3. No-op rebuild.
START=$(now); build > "$WORK/noop.out" 2> "$WORK/noop.err"; END=$(now)
NOOP=$(secs "$START" "$END")
echo "no-op rebuild: $NOOP s ($(grep -E ' built, ' "$WORK/noop.err" | tail -1)); full / no-op = $(calc "$FULL/$NOOP")× (target ≥ 50×: $(python3 -c "print('met' if $FULL/$NOOP >= 50 else 'MISSED')"))"

# 4. Edit one town: its first task's lead unit → another department that exists in city.yaml.
TOWN="$G/towns/$(ls "$G/towns" | sort | sed -n "$(( (N + 1) / 2 ))p")"
python3 - "$TOWN" "$G/city.yaml" <<'PY'
import re, sys
town, city = sys.argv[1], sys.argv[2]
shorts = re.findall(r"short: \[([^\]\"]+)\]", open(city, encoding="utf-8").read())
t = open(town, encoding="utf-8").read()
m = re.search(r"(?m)^    lead: (.+)$", t)
old = m.group(1).strip()
new = next(s for s in shorts if s != old and "[" not in s)
t = t[: m.start()] + f"    lead: {new}" + t[m.end():]
open(town, "w", encoding="utf-8").write(t)
print(f"edit: {town.rsplit('/', 1)[-1]}: tasks[0].lead {old} → {new}")
PY
START=$(now); build > "$WORK/edit.out" 2> "$WORK/edit.err"; END=$(now)
EDIT=$(secs "$START" "$END")
echo "rebuild after the edit: $EDIT s (target < 1 s: $(python3 -c "print('met' if $EDIT < 1 else 'MISSED')")); $(grep -E ' built, ' "$WORK/edit.err" | tail -1)"
python3 - "$WORK/edit.err" <<'PY'
import re, sys, collections
paths = re.findall(r"\] (?:built|FAILED) (\S+)", open(sys.argv[1], encoding="utf-8").read())
kinds = collections.Counter(p.rsplit("/", 1)[-1].removesuffix(".pdf") for p in paths)
print(f"  rebuilt {len(paths)} documents: " + ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())))
for p in paths[:10]:
    print(f"    {p}")
if len(paths) > 10:
    print(f"    … and {len(paths) - 10} more")
PY

# 5. The generated sources, and the typst CLI on a sample of them.
O2="$WORK/out-typ"
"$BIN" build --content "$G" --out "$O2" -j 2 --emit-typ --quiet > /dev/null 2>&1 || true
CLI="$WORK/cli"
mkdir -p "$CLI"
cp -r "$ROOT/templates/." "$CLI/"   # gongwen and whatever it imports
i=0
while IFS= read -r f; do
  i=$((i + 1)); cp "$f" "$CLI/doc-$(printf %04d $i).typ"
done < <(find "$O2" -name '*.typ' | sort | awk -v total="$DOCS" -v cap="$CLI_CAP" 'BEGIN { k = int((total + cap - 1) / cap); if (k < 1) k = 1 } (NR - 1) % k == 0')
SAMPLE=$i
if [ "$SAMPLE" = 0 ]; then echo "no generated sources (--emit-typ wrote none)"; exit 0; fi
cli() { "$TYPST" compile --root "$CLI" --font-path "$ROOT/fonts" --ignore-system-fonts --ignore-embedded-fonts --pdf-standard a-2b "$1" "${1%.typ}.pdf"; }
export -f cli; export TYPST CLI ROOT
cli "$CLI/doc-0001.typ"   # warm the disk cache
START=$(now); for f in "$CLI"/doc-*.typ; do cli "$f"; done; END=$(now)
ONE=$(secs "$START" "$END")
START=$(now); ls "$CLI"/doc-*.typ | xargs -P 2 -I{} bash -c 'cli "$1"' _ {}; END=$(now)
TWO=$(secs "$START" "$END")
BUILD_RATE=$(calc "$DOCS/$FULL" 3)
ONE_RATE=$(calc "$SAMPLE/$ONE" 3)
TWO_RATE=$(calc "$SAMPLE/$TWO" 3)
echo "typst CLI on $SAMPLE generated sources: one at a time $ONE s ($ONE_RATE docs/s), two at a time $TWO s ($TWO_RATE docs/s)"
echo "  zyz build -j 2, PDF only: $BUILD_RATE docs/s (including load and check of $N towns)"
echo "  build / CLI one at a time: $(calc "$BUILD_RATE/$ONE_RATE")×; two at a time: $(calc "$BUILD_RATE/$TWO_RATE")× (PDF against PDF)"
echo "  goal: zyz within 10 % of the bare engine — measured by cargo bench --bench floor"
echo "  extrapolated CLI time for all $DOCS documents: one at a time $(calc "$DOCS/$ONE_RATE") s, two at a time $(calc "$DOCS/$TWO_RATE") s (zyz build: $FULL s)"
