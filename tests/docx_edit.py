#!/usr/bin/env python3
"""Edits a DOCX as a colleague would in LibreOffice Writer, through its Python UNO bridge
(python3-uno), headless: records changes, replaces texts, types into template text, saves as
DOCX; then adds comments (see add_comments). An independent writer of DOCX for
tests/docx_import.rs.

usage: docx_edit.py IN.docx OUT.docx AUTHOR EDITS.json

EDITS.json: {"replace": [[old, new], ...], "type_after": [[anchor, sentence], ...],
             "comments": [[anchor, text], ...]}
Each `old` and `anchor` is searched for from the start of the document; the first match is used.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(profile):
    pipe = "zyz%d" % os.getpid()
    office = subprocess.Popen([
        "soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
        "-env:UserInstallation=file://" + profile,
        "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe,
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            ctx = resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return office, ctx
        except Exception:
            time.sleep(0.1)
    office.kill()
    raise SystemExit("LibreOffice did not start")


def set_author(ctx, author):
    """The name LibreOffice records on changes and comments (Tools › Options › User Data)."""
    smgr = ctx.ServiceManager
    provider = smgr.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
    access.setPropertyValue("givenname", author)
    access.setPropertyValue("sn", "")
    access.commitChanges()


def find(doc, text):
    search = doc.createSearchDescriptor()
    search.SearchString = text
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit("not found in the document: %s" % text)
    return found


def main():
    src, dst, author, edits_path = sys.argv[1:5]
    with open(edits_path, encoding="utf-8") as f:
        edits = json.load(f)
    profile = tempfile.mkdtemp(prefix="zyz-lo-")
    office, ctx = connect(profile)
    try:
        set_author(ctx, author)
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        # a copy of its own: a lock file left beside the original by another run stops the load
        own = os.path.join(profile, "in.docx")
        shutil.copy(src, own)
        url = uno.systemPathToFileUrl(own)
        doc = None
        for _ in range(10):
            # a load just after start-up can come back empty: try again
            doc = desktop.loadComponentFromURL(url, "_blank", 0, ())
            if doc is not None:
                break
            time.sleep(0.5)
        if doc is None:
            raise SystemExit("LibreOffice could not open %s" % src)
        # every place is found before anything changes
        replaces = [(find(doc, old), new) for old, new in edits.get("replace", [])]
        typed = [(find(doc, a).getEnd(), t) for a, t in edits.get("type_after", [])]
        doc.RecordChanges = True
        for found, new in replaces:
            found.setString(new)
        for at, sentence in typed:
            at.getText().insertString(at, sentence, False)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        office.wait(timeout=60)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def add_comments(path, author, comments):
    """Comments as Word writes them (word/comments.xml, a range and a reference around the run
    holding the anchor text), added to the file LibreOffice saved: LibreOffice 7.4's headless
    Writer (libreoffice-writer-nogui) aborts when a comment (Annotation) is inserted through UNO
    (NoSuchElementException, signal 6), so this one part is written here."""
    import re
    import zipfile
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = parts["word/document.xml"].decode()
    body = []
    for n, (anchor, text) in enumerate(comments):
        at = doc.find(">" + anchor) if (">" + anchor) in doc else doc.find(anchor)
        if at < 0:
            raise SystemExit("comment anchor not found in the saved file: %s" % anchor)
        start = doc.rfind("<w:r>", 0, at)
        start = max(start, doc.rfind("<w:r ", 0, at))
        end = doc.find("</w:r>", at) + len("</w:r>")
        run = doc[start:end]
        doc = (doc[:start] + '<w:commentRangeStart w:id="%d"/>' % n + run
               + '<w:commentRangeEnd w:id="%d"/><w:r><w:commentReference w:id="%d"/></w:r>' % (n, n)
               + doc[end:])
        body.append('<w:comment w:id="%d" w:author="%s" w:date="2026-01-05T09:00:00Z" w:initials="Z">'
                    '<w:p><w:r><w:t>%s</w:t></w:r></w:p></w:comment>' % (n, author, text))
    parts["word/document.xml"] = doc.encode()
    parts["word/comments.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                  '<w:comments xmlns:w="%s">%s</w:comments>' % (W, "".join(body))).encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdZyzComments" Type="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/relationships/comments" '
                        'Target="comments.xml"/></Relationships>')
    parts["word/_rels/document.xml.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    types = re.sub("</Types>", '<Override PartName="/word/comments.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>', types)
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


if __name__ == "__main__":
    main()
    with open(sys.argv[4], encoding="utf-8") as f:
        wanted = json.load(f).get("comments", [])
    if wanted:
        add_comments(sys.argv[2], sys.argv[3], wanted)
