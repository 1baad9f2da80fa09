#!/usr/bin/env bash
# Re-create the bundled fonts/ folder from Debian packages.
#
#   scripts/fetch-fonts.sh [OUTPUT_DIR]     (default: <repo>/fonts)
#
# - installs texlive-lang-chinese and fonts-noto-cjk with apt-get if missing
# - converts the Fandol OTFs (CFF outlines) to TrueType outlines with fontTools
#   (scripts/cff2ttf.py: cu2qu, hints dropped, every other table kept as is)
# - cuts the Simplified-Chinese faces out of the Noto CJK .ttc collections
#   with fontTools (tables copied as-is, head timestamps not touched), so the
#   result is byte-for-byte reproducible
# - writes LICENSE-Fandol.txt and LICENSE-Noto-OFL.txt from the packages' own
#   licence texts
# - runs fontTools from a venv of its own (pinned version, so the checksums hold)
# - checks every file against the sha256 list below.
#
# PROVENANCE.md is hand-maintained and is not touched by this script.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$SCRIPT_DIR/../fonts}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# Package versions the checksums below were produced from.
declare -A EXPECTED_VERSION=(
  [texlive-lang-chinese]="2022.20230122-1"
  [fonts-noto-cjk]="1:20220127+repack1-1"
)

FANDOL_DIR=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
FANDOL_DOC=/usr/share/doc/texlive-doc/fonts/fandol
NOTO_DIR=/usr/share/fonts/opentype/noto
NOTO_COPYRIGHT=/usr/share/doc/fonts-noto-cjk/copyright

# Source .otf names; each is written as the same name with .ttf.
FANDOL_FILES=(
  FandolSong-Regular.otf
  FandolSong-Bold.otf
  FandolFang-Regular.otf
  FandolHei-Regular.otf
  FandolHei-Bold.otf
  FandolKai-Regular.otf
)
FONTTOOLS_VERSION=4.68.0
VENV="${ZYZ_FONTTOOLS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/zyz/fonttools-$FONTTOOLS_VERSION}"

# output file | source collection | family name the face must carry
# NotoSerifCJKsc-Bold is deliberately omitted: with it fonts/ exceeds 100 MB.
# The Noto faces keep their CFF outlines: as TrueType they would be 71 MB instead of 58 MB and
# fonts/ 109 MB; they are only fallbacks (no sample document uses them).
NOTO_CUTS=(
  "NotoSerifCJKsc-Regular.otf|NotoSerifCJK-Regular.ttc|Noto Serif CJK SC"
  "NotoSansCJKsc-Regular.otf|NotoSansCJK-Regular.ttc|Noto Sans CJK SC"
  "NotoSansCJKsc-Bold.otf|NotoSansCJK-Bold.ttc|Noto Sans CJK SC"
)

EXPECTED_SHA256="
2b866caaeded127a23dae82c612c582b53e7860bc3c4f92b8c6d2a76fbfc2ee2  FandolFang-Regular.ttf
ab7ca486438873461dc53180e6041551b816bf250a61cdd73c897d99014a9746  FandolHei-Bold.ttf
472268b0d2fd2dd21c54607194cdece5d9abbd8531b2a1d7511c0998b87226e1  FandolHei-Regular.ttf
5492a48ade92fa20b2f5cb9805c339a939cb4f37c111171b133f36c057d9e674  FandolKai-Regular.ttf
b598e44dd2a54091bde1b6e22cae8f93ac997d4c8575ff9415ebf16745f58648  FandolSong-Bold.ttf
b9cc01865f8d6e4124fe25e7584d11c60f8c15f9cf07a17e399e4ec184b0b13c  FandolSong-Regular.ttf
9023d55873ce84a6fcbc8d5ade547ab571563091654a5e854c64e04e0a44f8c5  NotoSansCJKsc-Bold.otf
fb3b8d574150df2fb21d13554d20aae3dc316062e24d34fe3d1ae136d7b4f71f  NotoSansCJKsc-Regular.otf
9db9cfb2875b67a625636f1890e3b1519be1fffec583daf4d6a73ca8dea33a97  NotoSerifCJKsc-Regular.otf
ab3799baadf7395c938687de6bf20f2e3194b1d988e79af191a073b77d2d75bd  LICENSE-Fandol.txt
80c86a1542a077439f2aa831542a3bff5555e241e4bb3b9d96c3692eeb8f05c5  LICENSE-Noto-OFL.txt
"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- 1. packages -----------------------------------------------------------
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

missing=()
for pkg in "${!EXPECTED_VERSION[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

version_changed=0
for pkg in "${!EXPECTED_VERSION[@]}"; do
  have="$(dpkg-query -W -f='${Version}' "$pkg")"
  if [[ "$have" != "${EXPECTED_VERSION[$pkg]}" ]]; then
    log "WARNING: $pkg is $have, checksums were recorded for ${EXPECTED_VERSION[$pkg]}"
    version_changed=1
  else
    log "$pkg $have"
  fi
done

# --- 2. fontTools, in a venv ------------------------------------------------
PY="$VENV/bin/python"
if ! "$PY" -c "import fontTools, sys; sys.exit(fontTools.version != '$FONTTOOLS_VERSION')" 2>/dev/null; then
  log "installing fonttools $FONTTOOLS_VERSION with pip into $VENV"
  python3 -m venv "$VENV" || die "could not make a venv (apt-get install python3-venv)"
  "$VENV/bin/pip" install --quiet "fonttools==$FONTTOOLS_VERSION" || die "could not install fonttools $FONTTOOLS_VERSION"
fi

# --- 3. Fandol, converted to TrueType outlines ---------------------------------
for f in "${FANDOL_FILES[@]}"; do
  [[ -f "$FANDOL_DIR/$f" ]] || die "missing $FANDOL_DIR/$f"
  rm -f "$OUT/$f"   # an .otf left from before the conversion would be a second copy of the face
  "$PY" "$SCRIPT_DIR/cff2ttf.py" "$FANDOL_DIR/$f" "$OUT/${f%.otf}.ttf"
  chmod 0644 "$OUT/${f%.otf}.ttf"
done

# --- 4. Noto cuts ------------------------------------------------------------
for spec in "${NOTO_CUTS[@]}"; do
  IFS='|' read -r out src family <<<"$spec"
  "$PY" - "$NOTO_DIR/$src" "$OUT/$out" "$family" <<'PYEOF'
import sys
from fontTools.ttLib import TTCollection, TTFont

src, out, family = sys.argv[1:4]
coll = TTCollection(src)
hits = [i for i, f in enumerate(coll.fonts) if f["name"].getDebugName(1) == family]
if len(hits) != 1:
    sys.exit(f"error: expected exactly one face named {family!r} in {src}, found {hits}")
idx = hits[0]
font = coll.fonts[idx]
# Keep head.modified/created and bounding boxes exactly as in the collection.
font.recalcTimestamp = False
font.recalcBBoxes = False
font.save(out)

check = TTFont(out)          # a plain sfnt: loading with fontNumber is not needed
name = check["name"].getDebugName(1)
if name != family:
    sys.exit(f"error: {out} has family {name!r}, expected {family!r}")
print(f"==> cut {out.rsplit('/', 1)[-1]} from {src.rsplit('/', 1)[-1]} face #{idx} ({name})", file=sys.stderr)
PYEOF
done

# --- 5. licences -------------------------------------------------------------
{
  echo "Fandol fonts (FandolSong, FandolHei, FandolKai, FandolFang)"
  echo "Copyright (c) 2012-2013, the Fandol team (Clerk Ma & Jie Su)."
  echo "Licence: GNU GPL version 3 with the font exception stated at the end of"
  echo "the licence text below."
  echo
  echo "MODIFIED VERSIONS (GPL-3 section 5a notice): the Fandol files in this folder"
  echo "(*.ttf) were converted on 2026-12-03 from the OpenType/CFF files of the"
  echo "Debian package below to TrueType outlines by scripts/cff2ttf.py of the zyz"
  echo "project (fontTools $FONTTOOLS_VERSION: cubic curves approximated by quadratic ones"
  echo "within 1/1000 em, hints dropped; names, metrics, cmap and layout tables"
  echo "unchanged). They are released under the same licence, GPL-3 with the font"
  echo "exception below, and the font exception is extended to them. Their"
  echo "Corresponding Source is the Debian package's .otf files plus that script"
  echo "(scripts/fetch-fonts.sh re-creates them)."
  echo
  echo "Taken from the Debian package texlive-lang-chinese:"
  echo "  $FANDOL_DIR/*.otf (the original fonts)"
  echo "  $FANDOL_DOC/README"
  echo "  $FANDOL_DOC/COPYING.gz"
  echo
  echo "============================== README =============================="
  cat "$FANDOL_DOC/README"
  echo
  echo "============================== COPYING ============================="
  zcat "$FANDOL_DOC/COPYING.gz"
} > "$OUT/LICENSE-Fandol.txt"

{
  echo "Noto Sans CJK SC / Noto Serif CJK SC"
  echo "Noto Sans CJK: © 2014-2021 Adobe (http://www.adobe.com/)."
  echo "Noto Serif CJK: © 2017-2022 Adobe (http://www.adobe.com/)."
  echo "(copyright strings as stored in the fonts' name table, ID 0)"
  echo
  echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
  echo "Licence text taken from the Debian package fonts-noto-cjk:"
  echo "  $NOTO_COPYRIGHT (stanza \"License: SIL-1.1\")"
  echo
  awk '
    /^License: SIL-1\.1[[:space:]]*$/ { grab = 1; next }
    grab && /^ / { line = substr($0, 2); if (line == ".") line = ""; print line; next }
    grab { grab = 0 }
  ' "$NOTO_COPYRIGHT"
} > "$OUT/LICENSE-Noto-OFL.txt"
grep -q 'SIL OPEN FONT LICENSE Version 1.1' "$OUT/LICENSE-Noto-OFL.txt" \
  || die "could not extract the OFL text from $NOTO_COPYRIGHT"
log "wrote LICENSE-Fandol.txt LICENSE-Noto-OFL.txt"

# --- 6. verify ---------------------------------------------------------------
if ! (cd "$OUT" && sha256sum --quiet -c - <<<"$EXPECTED_SHA256"); then
  echo >&2
  echo "SHA256 MISMATCH: the files above differ from the recorded ones." >&2
  if ((version_changed)); then
    echo "The Debian package version changed (see WARNING above); this is expected." >&2
    echo "Review the new files, then update EXPECTED_VERSION/EXPECTED_SHA256 in" >&2
    echo "scripts/fetch-fonts.sh and the table in fonts/PROVENANCE.md." >&2
  else
    echo "Package versions are unchanged, so the difference probably comes from the" >&2
    echo "fontTools version used for the cut and the conversion ($("$PY" -c 'import fontTools; print(fontTools.version)'))." >&2
  fi
  exit 1
fi
total="$(du -cb "$OUT"/*.otf "$OUT"/*.ttf "$OUT"/LICENSE-*.txt | tail -1 | cut -f1)"
log "all checksums match; $OUT holds $total bytes of fonts+licences"
(( total < 100000000 )) || die "fonts/ is over 100 MB"
