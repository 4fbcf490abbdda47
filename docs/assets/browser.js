/* The corpus browser: layer switches on article pages, filters and sorting on the index. No framework. */
(function () {
  "use strict";
  function article(root) {
    var key = "nb-layers-off";
    var off = (localStorage.getItem(key) || "").split(",").filter(Boolean);
    root.querySelectorAll(".switches input[data-layer]").forEach(function (box) {
      var layer = box.dataset.layer;
      box.checked = off.indexOf(layer) < 0;
      root.classList.toggle("off-" + layer, !box.checked);
      box.addEventListener("change", function () {
        root.classList.toggle("off-" + layer, !box.checked);
        off = off.filter(function (x) { return x !== layer; });
        if (!box.checked) off.push(layer);
        try { localStorage.setItem(key, off.join(",")); } catch (e) { /* private mode */ }
      });
    });
    function refs(ev, on) {   // pointing at a quote or an event in the list outlines its spans in the text
      var li = ev.target.closest && ev.target.closest("li[data-refs]");
      if (!li) return;
      li.dataset.refs.split(" ").forEach(function (id) {
        var el = document.getElementById(id);
        if (el) el.classList.toggle("ref", on);
      });
    }
    root.addEventListener("mouseover", function (ev) { refs(ev, true); });
    root.addEventListener("mouseout", function (ev) { refs(ev, false); });
    root.addEventListener("click", function (ev) {   // click a mention: show its whole cluster
      var m = ev.target.closest(".m[data-e]");
      root.querySelectorAll(".m.focus").forEach(function (x) { x.classList.remove("focus"); });
      if (!m || ev.target.closest("a")) return;
      root.querySelectorAll('.m[data-e="' + CSS.escape(m.dataset.e) + '"]').forEach(function (x) { x.classList.add("focus"); });
    });
  }
  function index(root) {
    var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));
    var shown = root.querySelector("output.shown");
    var controls = root.querySelectorAll("[data-filter]");
    function apply() {
      var want = {}, n = 0;
      controls.forEach(function (c) { want[c.dataset.filter] = c.value.trim().toLowerCase(); });
      rows.forEach(function (tr) {
        var ok = Object.keys(want).every(function (k) {
          if (!want[k]) return true;
          if (k === "q") return want.q.split(/\s+/).every(function (w) { return tr.cells[0].textContent.toLowerCase().indexOf(w) >= 0; });
          return (tr.dataset[k] || "").toLowerCase() === want[k];
        });
        tr.hidden = !ok;
        if (ok) n++;
      });
      shown.textContent = n + " of " + rows.length + " articles";
    }
    controls.forEach(function (c) { c.addEventListener("input", apply); c.addEventListener("change", apply); });
    var heads = root.querySelectorAll("th[data-key]");
    heads.forEach(function (th, col) {
      th.querySelector("button").addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.hasAttribute("data-num");
        rows.sort(function (a, b) {
          var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
          var d = num ? Number(x) - Number(y) : x.localeCompare(y);
          return asc ? d : -d;
        });
        var body = root.querySelector("tbody");
        rows.forEach(function (tr) { body.appendChild(tr); });
      });
    });
    apply();
  }
  function init() {
    document.querySelectorAll(".nb-browser").forEach(article);
    document.querySelectorAll(".nb-index").forEach(index);
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);   // Material's instant loading
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
