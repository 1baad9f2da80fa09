"""zyz serve in a real browser (headless Chromium over the DevTools protocol, tests/cdp.py).

Loads the overview and a document page, takes screenshots, then saves the town's file `saves`
times (a new `local_jobs` each time) and waits, each time, until the open document page shows the
new value without a reload: the redrawn page's SVG in the page and its text layer holding the
value.
Prints one JSON object: the pages' text, whether the web font drew the Chinese, the page-load
stamp before and after (equal: no reload) and each save's latency (the write's timestamp to the
first frame after the new SVG went into the page), in ms.

usage: serve_browser.py BASE_URL DOC_PATH TOWN_FILE OUT_DIR SAVES
"""

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402


def fonts_ready(browser):
    return browser.wait(
        "document.fonts.ready.then(() => document.fonts.check('16px zyz-hei', '张营镇'))", 60
    )


def main():
    base, doc, town_file, out_dir, saves = sys.argv[1:6]
    saves = int(saves)
    os.makedirs(out_dir, exist_ok=True)
    result = {}
    browser = cdp.Browser()
    try:
        browser.open(base + "/")
        browser.wait("document.readyState === 'complete' && !!document.querySelector('#towns')")
        result["font"] = bool(fonts_ready(browser))
        # the web font's glyphs drawn: the Chinese takes the font's width, not a fallback box's
        result["overview_text"] = browser.eval("document.body.innerText")
        browser.screenshot(os.path.join(out_dir, "serve-overview.png"))

        browser.open(base + "/doc/" + doc)
        browser.wait(
            "document.readyState === 'complete' && "
            "document.querySelectorAll('figure.page .sheet svg').length === "
            "document.querySelectorAll('figure.page').length"
        )
        fonts_ready(browser)
        result["doc_text"] = browser.eval("document.body.textContent")
        result["doc_pages"] = browser.eval("document.querySelectorAll('figure.page').length")
        browser.screenshot(os.path.join(out_dir, "serve-document.png"))
        loaded = browser.eval("window.zyzLive.loadedAt")
        result["loaded_before"] = loaded

        original = open(town_file, encoding="utf-8").read()
        jobs = int(re.search(r"^local_jobs: (\d+)$", original, re.M).group(1))
        latencies = []
        text = original
        for i in range(saves):
            value = jobs + 11 + i
            text = re.sub(r"^local_jobs: \d+$", f"local_jobs: {value}", text, flags=re.M)
            updates = browser.eval("window.zyzLive.updates")
            written = time.time() * 1000
            with open(town_file, "w", encoding="utf-8") as f:
                f.write(text)
            check = (
                f"window.zyzLive.updates > {updates} && window.zyzLive.drawn && "
                "Array.from(document.querySelectorAll('figure.page')).some(f => "
                f"f.querySelector('.page-text pre').textContent.includes('{value}')) && "
                "window.zyzLive.drawn"
            )
            drawn = browser.wait(check, 120, 0.005)
            latencies.append(drawn - written)
            result["last_value"] = value
        result["latencies_ms"] = latencies
        result["loaded_after"] = browser.eval("window.zyzLive.loadedAt")
        result["doc_text_after"] = browser.eval("document.body.textContent")
        if saves:
            browser.screenshot(os.path.join(out_dir, "serve-document-after.png"))
    finally:
        browser.close()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
