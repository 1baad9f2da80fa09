// zyz serve: the open page follows the saves. One event stream per page; after each build the
// server says which documents changed. A document page redraws only its pages whose drawing
// changed (scroll and zoom stay); other pages swap in their new content in place. A broken
// content file shows the overlay over the last good page; fixing it clears it.
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
      fig.querySelector("img").style.setProperty("--w", (parseFloat(fig.dataset.width) * 4 / 3).toString());
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

  async function fetchPage() {
    const response = await fetch(location.href, { cache: "no-store" });
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  function swap(fresh, id) {
    const now = document.getElementById(id), next = fresh.getElementById(id);
    if (!now || !next) return;
    now.innerHTML = next.innerHTML;
    if (next.hidden) now.setAttribute("hidden", ""); else now.removeAttribute("hidden");
  }

  async function redrawDocument(version) {
    const response = await fetch("/pages/" + doc + (version ? "?v=" + version : ""), { cache: "no-store" });
    const data = await response.json();
    const figures = Array.from(pages.querySelectorAll("figure.page"));
    data.pages.forEach((p, i) => {
      let fig = figures[i];
      if (!fig) {
        fig = document.createElement("figure");
        fig.className = "page";
        fig.innerHTML = '<img alt=""><figcaption></figcaption><details class="page-text"><summary>本页文字</summary><pre></pre></details>';
        pages.appendChild(fig);
      }
      if (fig.dataset.key === p.key) return;
      fig.dataset.key = p.key; fig.dataset.n = p.n; fig.dataset.width = p.width; fig.dataset.height = p.height;
      const img = fig.querySelector("img");
      img.alt = "第" + p.n + "页";
      // when the new drawing is on screen (what the latency benchmark measures)
      window.zyzLive.drawn = null;
      img.onload = () => { window.zyzLive.drawn = Date.now(); };
      img.src = p.src;
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
  }

  async function onChange(change) {
    if (doc && pages && !redline &&
        (change.docs[doc] !== undefined || change.generation > Number(body.dataset.generation) + 1)) {
      await redrawDocument(change.docs[doc]);
    }
    const fresh = await fetchPage();
    swap(fresh, "overlay");
    if (doc && pages && !redline) {
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
