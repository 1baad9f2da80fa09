#!/usr/bin/env python3
"""Convert a CFF-flavoured OpenType font (OTTO) to TrueType (glyf) outlines, then check it.

    cff2ttf.py IN.otf OUT.ttf

Run by scripts/fetch-fonts.sh with fontTools from its venv. Why: krilla (typst-pdf 0.15) subsets a
TrueType face by copying glyph records, a CFF face by rebuilding charstrings — PDF export is about
18 % cheaper with TrueType outlines (issue 16, docs/benchmarks.md).

- Cubic curves become quadratic splines with fontTools' cu2qu, within MAX_ERR of the em (one
  thousandth, i.e. one unit of Fandol's 1000-unit em); contour direction is reversed to TrueType's.
- Hints are dropped: no fpgm/prep/cvt, empty glyph programs (CFF hints do not carry over).
- VORG (defined for CFF outlines only) is dropped; post becomes format 3 (no glyph names: the
  CID-keyed source has only "cidNNNNN" names).
- Every other table (cmap, name, OS/2, hhea/hmtx, vhea/vmtx, GSUB/GPOS, ...) is kept as it is; the
  check below compares them with the source, so family names, metrics and coverage are the
  same. head timestamps are kept, so two runs write the same bytes.
"""
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERR = 0.001  # of the em

# Tables the conversion rewrites; all others must come out identical.
REWRITTEN = {"CFF ", "VORG", "glyf", "loca", "maxp", "post", "head", "hhea", "vhea"}


def quadratic_glyphs(font):
    max_err = MAX_ERR * font["head"].unitsPerEm
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(None)
        # CFF outer contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    return glyphs


def convert(src, dst):
    font = TTFont(src, recalcTimestamp=False)
    if "CFF " not in font:
        sys.exit(f"error: {src} has no CFF table (not a CFF-flavoured OpenType font)")
    glyphs = quadratic_glyphs(font)
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0
    post.extraNames, post.mapping = [], {}
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxPoints", "maxContours",
                  "maxCompositePoints", "maxCompositeContours", "maxComponentElements",
                  "maxComponentDepth"):
        setattr(maxp, field, 0)  # the counts are recomputed on save
    maxp.maxZones = 1
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(dst)  # recomputes loca, glyph bounding boxes, maxp counts, head/hhea extents


def check(src, dst):
    """Fails unless dst has src's names, cmap, advances, layout tables and glyph count."""
    a, b = TTFont(src), TTFont(dst)
    problems = []
    if b.sfntVersion != "\x00\x01\x00\x00" or "glyf" not in b or "CFF " in b:
        problems.append("not a TrueType-outline font")
    # Names are not kept (post format 3), so glyphs are compared by index.
    order_a, order_b = a.getGlyphOrder(), b.getGlyphOrder()
    if len(order_a) != len(order_b):
        problems.append("glyph count differs")
    for tag in sorted(set(a.keys()) | set(b.keys())):
        if tag in REWRITTEN or tag == "GlyphOrder":
            continue
        if tag not in a or tag not in b or a.getTableData(tag) != b.getTableData(tag):
            problems.append(f"table {tag!r} differs")
    for tag in ("head", "hhea", "vhea"):
        if tag in a:
            fields = {"unitsPerEm", "ascent", "descent", "lineGap", "ascender", "descender",
                      "advanceWidthMax", "advanceHeightMax", "macStyle", "fontRevision"}
            for f in fields & set(vars(a[tag])):
                if getattr(a[tag], f) != getattr(b[tag], f):
                    problems.append(f"{tag}.{f} {getattr(a[tag], f)} -> {getattr(b[tag], f)}")
    for tag in ("hmtx", "vmtx"):
        if tag in a and [a[tag][g][0] for g in order_a] != [b[tag][g][0] for g in order_b]:
            problems.append(f"{tag} advances differ")
    if problems:
        sys.exit(f"error: {dst}: " + "; ".join(problems))
    cmap = len(b.getBestCmap())
    print(f"==> converted {dst.rsplit('/', 1)[-1]}: {b['name'].getDebugName(1)!r}, "
          f"{len(b.getGlyphOrder())} glyphs, {cmap} code points, tables other than outlines unchanged",
          file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(sys.argv[1], sys.argv[2])
    check(sys.argv[1], sys.argv[2])
