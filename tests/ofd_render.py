"""Draws zyz's OFD files with an independent OFD renderer and compares the pages with zyz's own
PNG preview, for tests/ofd.rs (issue 13: "the page images that an independent OFD renderer draws
match zyz's own PNG preview of the same page within a small pixel tolerance; glyphs are not
outlines").

The renderer is Free Spire.PDF for Python (PyPI `spire.pdf.free`, E-iceblue's OFD/PDF library,
closed source, nothing of zyz's): its `OfdConverter` reads the OFD package — pages, TextObjects
with their TextCode positions, CTMs and colours, PathObjects, and the fonts embedded in the
package (it re-embeds our font programs, so a machine without the Fandol fonts draws the same
glyphs) — and writes a PDF, which poppler's `pdftocairo` rasterises at the preview's resolution.
Spire's own `ToImage` is not used: on Linux it draws text with system fonts, not the embedded
ones. The free edition converts the first 3 pages of a document, so documents of up to 3 pages
are compared whole and longer ones on their first 3 pages (the count is checked, not assumed).

Usage: ofd_render.py OUT PREVIEWS [--keep DIR]

- OUT: a folder zyz built with `--formats pdf,ofd` (`YEAR/.../NAME.ofd` beside `NAME.pdf`);
- PREVIEWS: for each document, `PREVIEWS/YEAR/.../NAME/*-N.png`, the pages `zyz preview` wrote
  at `--scale 2` (2 pixels per point = 144 dpi);
- --keep DIR: leave the page images there (OFD render, preview, PDF render, difference).

Each page compared is seen three ways, in grey (0-255; the preview's transparency on white):
the OFD as Spire draws it (O), zyz's preview (P), and zyz's own PDF rasterised by the same
pdftocairo (R), which tells how far two rasterisers of the same drawing already are apart. Two
measures between two images:

- mean |diff|: the mean absolute difference per pixel, in grey levels;
- off: the share of pixels more than 64 grey levels darker or lighter than every pixel within
  one pixel of them in the other image (both ways) — what differs beyond anti-aliasing and
  sub-pixel placement: a missing, extra or misplaced glyph or line shows here.

A page passes when:

- O against P: mean |diff| <= MEAN_MAX and off <= OFF_MAX;
- O against P is at most MEAN_MARGIN / OFF_MARGIN worse than R against P (the OFD path adds
  little to the difference between rasterisers);
- text is drawn: the dark pixels (< 128) inside the page's TextObject boundaries in O number
  TEXT_MIN to TEXT_MAX times those in P (a render of only the rules and shapes has next to none);
- and, per document, glyphs are not outlines: the PDF Spire writes shows the text in fonts named
  after every font of the OFD's PublicRes.xml that the pages compared use, embedded TrueType
  (`FontFile2`), and no Type 3 fonts (glyphs drawn as paths).

Prints one line per page, the extremes, and `N passed, N failed` (documents); exits 1 on any
failure.
"""

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter
from spire.pdf import OfdConverter

NS = {"ofd": "http://www.ofdspec.org/2016"}
DPI = 144  # `zyz preview --scale 2`: 2 pixels per point
PAGE_LIMIT = 3  # pages the free edition converts
OFF = 64  # grey levels
MEAN_MAX = 5.0
OFF_MAX = 1.0  # percent of the page's pixels
MEAN_MARGIN = 1.5
OFF_MARGIN = 0.2  # percentage points
TEXT_MIN, TEXT_MAX = 0.9, 1.1


def grey(path):
    """The image as 8-bit grey, transparency composed onto white."""
    im = Image.open(path)
    if im.mode != "L":
        im = im.convert("RGBA")
        im = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
    return im.convert("L")


def numbered(paths):
    return sorted(paths, key=lambda p: int(re.search(r"-(\d+)\.png$", p.name).group(1)))


def count(mask):
    return mask.histogram()[255]


def dark(im):
    return im.point(lambda v: 255 if v < 128 else 0)


def off_pixels(a, b):
    """Pixels of `a` more than OFF grey levels darker or lighter than every pixel of `b` within
    one pixel of them."""
    lo = b.filter(ImageFilter.MinFilter(3))
    hi = b.filter(ImageFilter.MaxFilter(3))
    darker = ImageChops.subtract(lo, a).point(lambda v: 255 if v > OFF else 0)
    lighter = ImageChops.subtract(a, hi).point(lambda v: 255 if v > OFF else 0)
    return count(ImageChops.lighter(darker, lighter))


def measures(a, b):
    """(mean |diff|, off in percent) between two images of one size."""
    hist = ImageChops.difference(a, b).histogram()
    n = a.width * a.height
    mean = sum(v * c for v, c in enumerate(hist)) / n
    return mean, 100 * (off_pixels(a, b) + off_pixels(b, a)) / n


def page_parts(zf):
    """Each page's Content.xml root, in document order."""
    doc = ET.fromstring(zf.read("Doc_0/Document.xml"))
    return [
        ET.fromstring(zf.read("Doc_0/" + p.get("BaseLoc")))
        for p in doc.findall("ofd:Pages/ofd:Page", NS)
    ]


def font_names(zf, pages):
    """The FontName of each font the TextObjects of `pages` use."""
    res = ET.fromstring(zf.read("Doc_0/PublicRes.xml"))
    used = {o.get("Font") for page in pages for o in page.iter("{%s}TextObject" % NS["ofd"])}
    return sorted(f.get("FontName") for f in res.findall("ofd:Fonts/ofd:Font", NS) if f.get("ID") in used)


def text_mask(page, size):
    """White where the page's TextObjects are (their Boundary, in page millimetres)."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    px = DPI / 25.4
    for obj in page.iter("{%s}TextObject" % NS["ofd"]):
        x, y, w, h = (float(v) for v in obj.get("Boundary").split())
        draw.rectangle([x * px, y * px, (x + w) * px, (y + h) * px], fill=255)
    return mask


def pdf_fonts(pdf):
    """The PDF's BaseFont names, whether it has Type 3 fonts and embedded TrueType programs
    (Spire writes its objects uncompressed)."""
    data = pdf.read_bytes()
    bases = {m.decode("latin-1") for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", data)}
    return bases, b"/Type3" in data, b"/FontFile2" in data


def rasterise(pdf, prefix, last):
    subprocess.run(
        ["pdftocairo", "-r", str(DPI), "-gray", "-png", "-l", str(last), str(pdf), str(prefix)],
        check=True,
    )
    return numbered(prefix.parent.glob(prefix.name + "-*.png"))


def same_size(a, b):
    w, h = min(a.width, b.width), min(a.height, b.height)
    return a.crop((0, 0, w, h)), b.crop((0, 0, w, h))


def compare(out, previews, ofd, work, keep):
    """Problems found with one document, its report lines and its pages' measures."""
    rel = ofd.relative_to(out).with_suffix("")
    stem = rel.as_posix().replace("/", "_")
    problems, lines, stats = [], [], []
    pngs = numbered((previews / rel).glob("*.png"))
    if not pngs:
        return [f"no preview pages in {previews / rel}"], lines, stats
    expected = min(len(pngs), PAGE_LIMIT)
    spire_pdf = work / f"{stem}.spire.pdf"
    try:
        conv = OfdConverter(str(ofd))
        spire_pages = conv.PageCount
        conv.ToPdf(str(spire_pdf))
        conv.Dispose()
    except Exception as err:  # the renderer refuses the file
        return [f"the renderer fails: {err!r}"], lines, stats
    if spire_pages != expected:
        problems.append(f"the renderer gives {spire_pages} pages, expected {expected} of {len(pngs)}")
    with zipfile.ZipFile(ofd) as zf:
        pages = page_parts(zf)
        names = font_names(zf, pages[:expected])
    if len(pages) != len(pngs):
        problems.append(f"the OFD has {len(pages)} pages, the preview {len(pngs)}")
    bases, type3, embedded = pdf_fonts(spire_pdf)
    missing = [n for n in names if not any(b.split("+")[-1].startswith(n) for b in bases)]
    if missing or type3 or not embedded:
        problems.append(
            f"glyphs not drawn from the embedded fonts (missing {missing}, Type 3 {type3}, "
            f"FontFile2 {embedded}); the renderer's fonts: {sorted(bases)}"
        )
    renders = rasterise(spire_pdf, work / f"{stem}.ofd", expected)
    refs = rasterise(ofd.with_suffix(".pdf"), work / f"{stem}.pdf", expected)
    if len(renders) != expected or len(refs) != expected:
        problems.append(f"pdftocairo drew {len(renders)} OFD and {len(refs)} PDF pages")
    for i, (render, png, ref) in enumerate(zip(renders, pngs, refs)):
        p, o, r = grey(png), grey(render), grey(ref)
        if {p.size, o.size, r.size} != {p.size}:
            if max(abs(x.width - p.width) + abs(x.height - p.height) for x in (o, r)) > 2:
                problems.append(f"page {i + 1}: sizes {p.size}, {o.size}, {r.size}")
                continue
            p, o = same_size(p, o)
            p, r = same_size(p, r)
            o, _ = same_size(o, p)
        mean, off = measures(o, p)
        base_mean, base_off = measures(r, p)
        mask = text_mask(pages[i], p.size)
        text_p = count(ImageChops.multiply(dark(p), mask))
        text_o = count(ImageChops.multiply(dark(o), mask))
        ratio = text_o / text_p if text_p else 0.0
        ok = (
            mean <= MEAN_MAX
            and off <= OFF_MAX
            and mean - base_mean <= MEAN_MARGIN
            and off - base_off <= OFF_MARGIN
            and TEXT_MIN <= ratio <= TEXT_MAX
        )
        lines.append(
            f"  {rel} page {i + 1}/{len(pngs)}: OFD vs preview mean |diff| {mean:.3f}, "
            f"off {off:.3f}% (PDF vs preview {base_mean:.3f}, {base_off:.3f}%); "
            f"text pixels {text_o}/{text_p} = {ratio:.3f}"
            + ("" if ok else "  <-- out of tolerance")
        )
        if not ok:
            problems.append(f"page {i + 1} out of tolerance")
        stats.append((mean, off, mean - base_mean, off - base_off, ratio))
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            name = f"{stem}-{i + 1}"
            o.save(keep / f"{name}-ofd.png")
            p.save(keep / f"{name}-preview.png")
            r.save(keep / f"{name}-pdf.png")
            ImageChops.difference(o, p).point(lambda v: 255 - min(255, 4 * v)).save(
                keep / f"{name}-diff.png"
            )
    return problems, lines, stats


def main():
    out, previews = Path(sys.argv[1]), Path(sys.argv[2])
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    if not shutil.which("pdftocairo"):
        sys.exit("pdftocairo (poppler-utils) is not installed")
    stats, passed, failed = [], 0, 0
    ofds = sorted(out.rglob("*.ofd"))
    total = sum(len(list((previews / f.relative_to(out).with_suffix("")).glob("*.png"))) for f in ofds)
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(2) as pool:
        n = len(ofds)
        results = pool.map(compare, [out] * n, [previews] * n, ofds, [Path(tmp)] * n, [keep] * n)
        for ofd, (problems, lines, page_stats) in zip(ofds, results):
            stats += page_stats
            print("\n".join(lines))
            if problems:
                failed += 1
                print(f"FAIL {ofd.relative_to(out)}: " + "; ".join(problems))
            else:
                passed += 1
    if stats:
        col = lambda k: [s[k] for s in stats]  # noqa: E731
        print(
            f"Free Spire.PDF (OfdConverter.ToPdf, then pdftocairo at {DPI} dpi) against zyz preview "
            f"--scale 2: {len(stats)} pages compared of {total}; OFD vs preview mean |diff| "
            f"max {max(col(0)):.3f} (avg {sum(col(0)) / len(stats):.3f}; tolerance {MEAN_MAX}), "
            f"off max {max(col(1)):.3f}% (avg {sum(col(1)) / len(stats):.3f}%; tolerance {OFF_MAX}%); "
            f"beyond PDF vs preview: mean |diff| max {max(col(2)):+.3f} (tolerance {MEAN_MARGIN}), "
            f"off max {max(col(3)):+.3f} points (tolerance {OFF_MARGIN}); text pixels "
            f"{min(col(4)):.3f}..{max(col(4)):.3f} of the preview's (tolerance {TEXT_MIN}..{TEXT_MAX})"
        )
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
