#!/usr/bin/env bash
# Benchmark: a file format beside the PDF (OFD, DOCX) — bytes and milliseconds per document — and
# whether a PDF-only build got slower.
#
#   benches/formats.sh FORMAT [N] [RUNS]   # ofd or docx; N generated towns (default 100), RUNS (5)
#   ZYZ_BIN=path/to/zyz BASE_BIN=path/to/old-zyz benches/formats.sh docx 100 5
#
# Steps (release binaries, -j 1 so the stage times are one thread's; run from the project folder):
#   1. benches/gen-towns.py N → a content folder, city.yaml without `formats` (given per run).
#   2. RUNS × `build --force --timings --formats pdf,FORMAT` and RUNS × `--formats pdf`: the "pdf"
#      and "files" stage sums per document (medians); "files" of the PDF-only run is the ledger's
#      spreadsheet, subtracted so that what is left is the format's own time.
#   3. Bytes per document: all .pdf files vs all .FORMAT files of the last such build.
#   4. PDF-only wall time: `build --force --formats pdf` with ZYZ_BIN and with BASE_BIN (a build of
#      the tree before the format; skipped when not given), alternating, RUNS each: medians.
set -euo pipefail
FMT="${1:?usage: benches/formats.sh ofd|docx [N] [RUNS]}"
N="${2:-100}"
RUNS="${3:-5}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if [ -z "${ZYZ_BIN:-}" ]; then
  cargo build --release --quiet --bin zyz
fi
BIN="${ZYZ_BIN:-$ROOT/target/release/zyz}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 benches/gen-towns.py "$N" "$WORK/content" >/dev/null
# the formats come from the command line (and a base binary from before them knows no `formats`)
sed -i '/^formats:/d' "$WORK/content/city.yaml"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
stage() { awk -v s="$1" '$1 == s {print $2}' "$2"; }

run() { # binary formats → log
  "$1" build --content "$WORK/content" --out "$WORK/out-$2" --force -j 1 --timings \
    --formats "$2" 2> "$WORK/log" || true
  grep -q ' 0 failed in ' "$WORK/log" || { cat "$WORK/log"; exit 1; }
}

for fmt in "pdf,$FMT" pdf; do
  : > "$WORK/pdf-$fmt"; : > "$WORK/files-$fmt"; : > "$WORK/wall-$fmt"
  for _ in $(seq "$RUNS"); do
    run "$BIN" "$fmt"
    stage pdf "$WORK/log" >> "$WORK/pdf-$fmt"
    stage files "$WORK/log" >> "$WORK/files-$fmt"
    grep -o 'failed in [0-9.]* s' "$WORK/log" | awk '{print $3}' >> "$WORK/wall-$fmt"
  done
done
both="pdf,$FMT"
docs=$(find "$WORK/out-$both" -name '*.pdf' | wc -l)
pdf_s=$(median < "$WORK/pdf-$both")
fmt_s=$(awk -v a="$(median < "$WORK/files-$both")" -v b="$(median < "$WORK/files-pdf")" 'BEGIN {print a - b}')
pdf_bytes=$(find "$WORK/out-$both" -name '*.pdf' -printf '%s\n' | awk '{s+=$1} END {print s}')
fmt_bytes=$(find "$WORK/out-$both" -name "*.$FMT" -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "documents: $docs (N = $N towns), $RUNS runs each, -j 1"
awk -v d="$docs" -v p="$pdf_s" -v o="$fmt_s" -v pb="$pdf_bytes" -v ob="$fmt_bytes" -v f="$FMT" 'BEGIN {
  F = toupper(f)
  printf "per document   PDF  %7.1f ms %8.1f KB\n", p * 1000 / d, pb / d / 1024
  printf "               %-4s %7.1f ms %8.1f KB   (%s/PDF: %.2f× time, %.2f× bytes)\n",
    F, o * 1000 / d, ob / d / 1024, F, o / p, ob / pb }'
echo "build wall time (median): $both $(median < "$WORK/wall-$both") s; pdf only $(median < "$WORK/wall-pdf") s"

if [ -n "${BASE_BIN:-}" ]; then
  : > "$WORK/new"; : > "$WORK/old"
  for _ in $(seq "$RUNS"); do
    for which in new old; do
      b="$BIN"; [ "$which" = old ] && b="$BASE_BIN"
      "$b" build --content "$WORK/content" --out "$WORK/out-$which" --force -j 1 2> "$WORK/log" || true
      grep -o 'failed in [0-9.]* s' "$WORK/log" | awk '{print $3}' >> "$WORK/$which"
    done
  done
  echo "PDF-only build, wall time median of $RUNS: this tree $(median < "$WORK/new") s, base $(median < "$WORK/old") s"
fi
