// Search page: queries the Pagefind index of this page's language (built with the site,
// served from the same origin) and lists the matching articles; no third-party requests.
(function () {
  "use strict";
  const form = document.querySelector("form.search");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".search-results");
  let engine = null;

  async function load() {
    if (!engine) {
      engine = await import(form.dataset.bundle + "pagefind.js");
      await engine.options({ bundlePath: form.dataset.bundle, baseUrl: form.dataset.base });
      for (const shard of form.dataset.merged.split(" ").filter(Boolean)) {
        await engine.mergeIndex(shard, { baseUrl: form.dataset.base });  // the other shards
      }
      await engine.init();
    }
    return engine;
  }

  // The excerpt's text with its <mark> elements and nothing else: parsed in an inert
  // template, so no markup in an article's text can ever run here.
  function excerpt(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return Array.from(template.content.childNodes, (node) => {
      if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    });
  }

  async function run(query) {
    list.replaceChildren();
    status.textContent = "";
    if (!query.trim()) return;
    let found;
    try {
      const pagefind = await load();
      const search = await pagefind.search(query);
      found = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
    } catch (error) {
      status.textContent = form.dataset.unavailable;
      return;
    }
    if (!found.length) {
      status.textContent = form.dataset.none;
      return;
    }
    for (const item of found) {
      const li = document.createElement("li");
      const h2 = document.createElement("h2");
      const a = document.createElement("a");
      a.href = item.url;
      a.textContent = (item.meta && item.meta.title) || item.url;
      h2.append(a);
      const p = document.createElement("p");
      p.append(...excerpt(item.excerpt));
      li.append(h2, p);
      list.append(li);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url);
    run(input.value);
  });
  const initial = new URL(window.location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
