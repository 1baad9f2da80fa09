// zyz serve: the open page follows the saves. One event stream per page; after each build the
// server says which documents changed. A document page (正式稿 or 修改对照稿) redraws only its
// pages whose drawing changed (scroll and zoom stay); other pages swap in their new content in
// place. A broken content file shows the overlay over the last good page; fixing it clears it.
"use strict";
(function () {
  const body = document.body;
  const doc = body.dataset.doc || null;
  const redline = body.dataset.redline === "1";
  const live = document.getElementById("live");
  // what the tests and benchmarks read: when the last update reached this page, and how many
  window.zyzLive = { updates: 0, last: null, loadedAt: Date.now() };

  // zoom: kept across updates and pages
  const pages = document.getElementById("pages");
  const zoom = document.getElementById("zoom");
  function sizePages() {
    if (!pages) return;
    for (const fig of pages.querySelectorAll("figure.page")) {
      fig.querySelector(".sheet").style.setProperty("--w", (parseFloat(fig.dataset.width) * 4 / 3).toString());
    }
  }
  if (pages && zoom) {
    const saved = localStorage.getItem("zyz-zoom");
    if (saved) zoom.value = saved;
    const apply = () => { pages.style.setProperty("--zoom", zoom.value); localStorage.setItem("zyz-zoom", zoom.value); };
    zoom.addEventListener("change", apply);
    apply();
    sizePages();
  }

  // the page as the server makes it now; a document page's without its pages (those are
  // redrawn apart, and with them the HTML is megabytes)
  async function fetchPage() {
    const url = new URL(location.href);
    if (doc) url.searchParams.set("info", "1");
    const response = await fetch(url, { cache: "no-store" });
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  function swap(fresh, id) {
    const now = document.getElementById(id), next = fresh.getElementById(id);
    if (!now || !next) return;
    now.innerHTML = next.innerHTML;
    if (next.hidden) now.setAttribute("hidden", ""); else now.removeAttribute("hidden");
  }

  // glyph outlines the document page lacks, fetched in batches into the hidden <svg>
  async function loadGlyphs(ids) {
    const defs = document.querySelector("svg.glyphs defs");
    for (let i = 0; i < ids.length; i += 300) {
      const response = await fetch("/glyphs?ids=" + ids.slice(i, i + 300).join(","));
      const parsed = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
      for (const symbol of Array.from(parsed.querySelectorAll("symbol"))) {
        defs.appendChild(document.importNode(symbol, true));
      }
    }
  }

  async function redrawDocument(version) {
    // the 修改对照稿 is made anew from the build's snapshot; the 正式稿 at the version told
    const held = Array.from(pages.querySelectorAll("figure.page"), (f) => f.dataset.key || "");
    const query = (redline ? "?redline=1" : version ? "?v=" + version : "?") + "&have=" + held.join(",");
    const response = await fetch("/pages/" + doc + query, { cache: "no-store" });
    const data = await response.json();
    const figures = Array.from(pages.querySelectorAll("figure.page"));
    const changed = [];
    data.pages.forEach((p, i) => {
      let fig = figures[i];
      if (!fig) {
        fig = document.createElement("figure");
        fig.className = "page";
        fig.innerHTML = '<div class="sheet" role="img"></div><figcaption></figcaption><details class="page-text"><summary>本页文字</summary><pre></pre></details>';
        pages.appendChild(fig);
      }
      if (fig.dataset.key !== p.key) changed.push([fig, p]);
    });
    // only the changed pages' drawings travel, and the outlines of glyphs new to this page
    const missing = [...new Set(changed.flatMap(([, p]) => p.glyphs))].filter((id) => !document.getElementById(id));
    // the drawings came with the list, for the pages this one lacked (else fetched apart)
    const [bodies] = await Promise.all([
      Promise.all(changed.map(([, p]) => p.body !== undefined ? p.body : fetch(p.src + "&part=body").then((r) => r.text()))),
      loadGlyphs(missing),
    ]);
    changed.forEach(([fig, p], i) => {
      fig.dataset.key = p.key; fig.dataset.n = p.n; fig.dataset.width = p.width; fig.dataset.height = p.height;
      fig.dataset.src = p.src;
      const sheet = fig.querySelector(".sheet");
      sheet.setAttribute("aria-label", "第" + p.n + "页");
      sheet.innerHTML = bodies[i];
      fig.querySelector("figcaption").textContent = "第" + p.n + "页";
      fig.querySelector(".page-text pre").textContent = p.text;
      fig.classList.add("fresh");
      setTimeout(() => fig.classList.remove("fresh"), 1500);
    });
    figures.slice(data.pages.length).forEach((f) => f.remove());
    body.dataset.version = data.version;
    const count = document.getElementById("page-count");
    if (count) count.textContent = "共" + data.pages.length + "页";
    sizePages();
    if (changed.length) {
      // when the new drawing is on screen: the frame after it went in (what the latency
      // benchmark measures)
      window.zyzLive.drawn = null;
      requestAnimationFrame(() => setTimeout(() => { window.zyzLive.drawn = Date.now(); }, 0));
    }
  }

  async function onChange(change) {
    if (doc && pages &&
        (change.docs[doc] !== undefined || change.generation > Number(body.dataset.generation) + 1)) {
      await redrawDocument(change.docs[doc]);
    }
    const fresh = await fetchPage();
    swap(fresh, "overlay");
    if (doc && pages) {
      swap(fresh, "findings");
      swap(fresh, "docinfo");
    } else if (!doc) {
      swap(fresh, "main");
    }
    body.dataset.generation = change.generation;
    window.zyzLive.updates += 1;
    window.zyzLive.last = { at: Date.now(), change: change };
    live.classList.add("flash");
    setTimeout(() => live.classList.remove("flash"), 800);
  }

  let queue = Promise.resolve();
  const url = "/events" + (doc ? "?doc=" + encodeURIComponent(doc) : "");
  const source = new EventSource(url);
  source.addEventListener("change", (e) => {
    const change = JSON.parse(e.data);
    queue = queue.then(() => onChange(change)).catch((err) => console.error(err));
  });
  source.onopen = () => live.classList.remove("off");
  source.onerror = () => live.classList.add("off");
})();
