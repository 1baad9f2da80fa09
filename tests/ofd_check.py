"""Reads zyz's OFD files with readers that are not zyz's own, for tests/ofd.rs.

For each `NAME.ofd` beside `NAME.pdf` under the folder given:

- structure (Python's zipfile and ElementTree): the parts GB/T 33190-2016 requires for what zyz
  writes — OFD.xml with DocBody/DocInfo/DocID and DocRoot; Document.xml with CommonData
  (MaxUnitID, PageArea/PhysicalBox, PublicRes) and Pages; each page's Content.xml; fonts with
  their FontFile in the package; object ids unique and at most MaxUnitID; every TextObject with
  Boundary, Font (a declared font) and Size; every TextCode with X and Y and as many DeltaX steps
  as characters less one; CGTransform ranges inside their TextCode;
- fonts (fontTools): each embedded font opens, its hmtx has one metric per glyph (see
  docs/ofd.md), and its cmap maps every character drawn in it to a glyph of the subset (or a
  CGTransform names the glyphs);
- text (ofdkit, an independent OFD reader from PyPI): each page's text runs, in drawing order,
  equal `pdftotext -raw` of the same page of the PDF, whitespace aside; ofdkit's reading-order
  page text has the same characters as plain `pdftotext`.

Prints one line per document and `N passed, N failed`; exits 1 on any failure. With `--colours`
also prints the colours text and paths are filled/stroked with, per document.
"""

import io
import re
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import ofdkit
from fontTools.ttLib import TTFont

NS = {"ofd": "http://www.ofdspec.org/2016"}


def q(name):
    return "{%s}%s" % (NS["ofd"], name)


def expand_deltas(text):
    """DeltaX with `g N step` runs expanded."""
    out, parts, i = [], (text or "").split(), 0
    while i < len(parts):
        if parts[i] == "g":
            out += [float(parts[i + 2])] * int(parts[i + 1])
            i += 3
        else:
            out.append(float(parts[i]))
            i += 1
    return out


def check_structure(zf, problems):
    """Returns [(page_root, ...)], {font_id: TTFont}, colours."""
    names = zf.namelist()
    if names[0] != "OFD.xml":
        problems.append("OFD.xml is not the first entry")
    root = ET.fromstring(zf.read("OFD.xml"))
    if root.tag != q("OFD") or root.get("DocType") != "OFD" or not root.get("Version"):
        problems.append("OFD.xml root is not ofd:OFD with Version and DocType=OFD")
    info = root.find("ofd:DocBody/ofd:DocInfo", NS)
    doc_id = info.findtext("ofd:DocID", namespaces=NS) if info is not None else None
    if not doc_id or not re.fullmatch(r"[0-9a-f]{32}", doc_id):
        problems.append(f"DocID {doc_id!r} is not 32 hex digits")
    if info is None or not info.findtext("ofd:Title", namespaces=NS):
        problems.append("DocInfo has no Title")
    if info is None or not re.fullmatch(r"\d{4}-\d\d-\d\d", info.findtext("ofd:CreationDate", "", NS)):
        problems.append("DocInfo has no CreationDate (xs:date)")
    doc_root = root.findtext("ofd:DocBody/ofd:DocRoot", namespaces=NS)
    base = doc_root.rsplit("/", 1)[0] + "/"
    doc = ET.fromstring(zf.read(doc_root))
    common = doc.find("ofd:CommonData", NS)
    max_id = int(common.findtext("ofd:MaxUnitID", namespaces=NS))
    box = common.findtext("ofd:PageArea/ofd:PhysicalBox", namespaces=NS)
    if [round(float(v)) for v in box.split()] != [0, 0, 210, 297]:
        problems.append(f"PageArea {box} is not A4 in millimetres")
    res_path = base + common.findtext("ofd:PublicRes", namespaces=NS)
    res = ET.fromstring(zf.read(res_path))
    res_base = base + res.get("BaseLoc", "").rstrip("/") + "/"
    ids = []
    fonts = {}
    for font in res.iter(q("Font")):
        ids.append(font.get("ID"))
        file = res_base + font.findtext("ofd:FontFile", namespaces=NS)
        if not font.get("FontName") or file not in names:
            problems.append(f"font {font.get('ID')} has no FontName or its file {file} is missing")
            continue
        tt = TTFont(io.BytesIO(zf.read(file)))
        if tt["hhea"].numberOfHMetrics != tt["maxp"].numGlyphs:
            problems.append(f"font {font.get('ID')}: hmtx not written in full (one metric a glyph)")
        fonts[font.get("ID")] = tt
    ids += [cs.get("ID") for cs in res.iter(q("ColorSpace"))]
    pages = []
    for page in doc.findall("ofd:Pages/ofd:Page", NS):
        ids.append(page.get("ID"))
        content = ET.fromstring(zf.read(base + page.get("BaseLoc")))
        pages.append(content)
        for el in content.iter():
            if el.get("ID"):
                ids.append(el.get("ID"))
    if len(ids) != len(set(ids)):
        problems.append("object ids are not unique")
    if max(int(i) for i in ids) > max_id:
        problems.append(f"an id exceeds MaxUnitID {max_id}")
    return pages, fonts


def check_text_objects(pages, fonts, problems, colours):
    for n, page in enumerate(pages, 1):
        for obj in page.iter(q("TextObject")):
            font = fonts.get(obj.get("Font"))
            if not obj.get("Boundary") or font is None or float(obj.get("Size", 0)) <= 0:
                problems.append(f"page {n}: a TextObject lacks Boundary, Size or a declared Font")
                continue
            fill = obj.find("ofd:FillColor", NS)
            colours.add(("text", fill.get("Value") if fill is not None else "0 0 0"))
            code = obj.find("ofd:TextCode", NS)
            chars = code.text or ""
            if code.get("X") is None or code.get("Y") is None:
                problems.append(f"page {n}: TextCode without X and Y")
            if len(expand_deltas(code.get("DeltaX"))) != max(len(chars) - 1, 0):
                problems.append(f"page {n}: DeltaX of {chars!r} does not count its characters")
            covered = set()
            for cg in obj.findall("ofd:CGTransform", NS):
                start, count = int(cg.get("CodePosition")), int(cg.get("CodeCount"))
                glyphs = cg.findtext("ofd:Glyphs", namespaces=NS).split()
                if start + count > len(chars) or len(glyphs) != int(cg.get("GlyphCount")):
                    problems.append(f"page {n}: CGTransform outside {chars!r}")
                covered.update(range(start, start + count))
            cmap = font.getBestCmap() or {}
            for i, c in enumerate(chars):
                if i not in covered and not c.isspace() and ord(c) not in cmap:
                    problems.append(f"page {n}: {c!r} has no glyph in font {obj.get('Font')}")
        for obj in page.iter(q("PathObject")):
            for part in ("StrokeColor", "FillColor"):
                el = obj.find(f"ofd:{part}", NS)
                if el is not None:
                    colours.add(("path", el.get("Value")))


def pdf_pages(pdf, *options):
    text = subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def squash(text):
    return re.sub(r"\s+", "", text)


def check_text(ofd, pdf, problems):
    """Per page: ofdkit's text runs in drawing order equal `pdftotext -raw` (the PDF's content
    order), and ofdkit's reading-order text holds the same characters as plain `pdftotext` (the
    two readers order table cells and turned pages differently, so only the characters are
    compared there)."""
    with ofdkit.open(str(ofd)) as doc:
        runs = ["".join(run.text for run in page.runs) for page in doc.pages]
        reading = [page.text() for page in doc.pages]
    raw, layout = pdf_pages(pdf, "-raw"), pdf_pages(pdf)
    if not (len(runs) == len(raw) == len(layout)):
        problems.append(f"{len(runs)} OFD pages, {len(raw)} PDF pages")
        return
    for n, (a, b) in enumerate(zip(runs, raw), 1):
        a, b = squash(a), squash(b)
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            problems.append(f"page {n} text differs at {at}: ofdkit {a[at:at + 30]!r} / "
                            f"pdftotext -raw {b[at:at + 30]!r}")
    # pdftotext's layout mode drops a hyphen that ends a line (a range such as 2024-2025 may
    # break after its hyphen): hyphens are compared in the raw text above, not here
    def chars(t):
        return sorted(c for c in squash(t) if c != "-")

    for n, (a, b) in enumerate(zip(reading, layout), 1):
        if chars(a) != chars(b):
            problems.append(f"page {n}: ofdkit's page text and pdftotext's differ in characters")


def main():
    out = Path(sys.argv[1])
    show_colours = "--colours" in sys.argv
    passed = failed = 0
    for ofd in sorted(out.rglob("*.ofd")):
        problems, colours = [], set()
        try:
            with zipfile.ZipFile(ofd) as zf:
                pages, fonts = check_structure(zf, problems)
                check_text_objects(pages, fonts, problems, colours)
            check_text(ofd, ofd.with_suffix(".pdf"), problems)
        except Exception as err:  # a reader's failure is the document's failure
            problems.append(f"{type(err).__name__}: {err}")
        rel = ofd.relative_to(out)
        if problems:
            failed += 1
            print(f"FAIL {rel}")
            for p in problems[:10]:
                print(f"    {p}")
        else:
            passed += 1
            print(f"ok   {rel} ({len(pages)} pages)")
        if show_colours:
            print(f"     colours: {sorted(colours)}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
