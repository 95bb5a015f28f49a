/**
 * The viewer's stylesheet and its one small script, served from the gateway
 * itself (`/ui/assets/…`): no CDN, no bundler, works offline and under a
 * strict Content-Security-Policy (`script-src 'self'`, no inline script).
 *
 * The script does three things, all optional (the pages read fine without
 * it): live updates of a running run from the API's event stream
 * (EventSource resends `Last-Event-ID` when it reconnects), reloading once the
 * run ends so the finished rows appear, and keyboard navigation (j/k move
 * through a table's rows, Enter opens the row's link, Esc goes up a level).
 */

export const VIEWER_CSS = `
:root { color-scheme: light dark; --bg:#fff; --fg:#1b1f24; --muted:#636c76; --line:#d0d7de; --card:#f6f8fa;
  --good:#1a7f37; --bad:#cf222e; --same:#6e7781; --accent:#0969da; --added:#dafbe1; --removed:#ffebe9; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#8d96a0; --line:#30363d; --card:#161b22;
  --good:#3fb950; --bad:#f85149; --same:#8b949e; --accent:#4493f8; --added:#033a16; --removed:#67060c; } }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif; background:var(--bg); color:var(--fg); }
header.top { display:flex; gap:1rem; align-items:center; padding:.6rem 1rem; border-bottom:1px solid var(--line); flex-wrap:wrap; }
header.top a.brand { font-weight:700; text-decoration:none; color:var(--fg); }
nav.crumbs a, a { color:var(--accent); }
main { padding:1rem; max-width:1280px; margin:0 auto; }
h1 { font-size:1.35rem; margin:.2rem 0 .8rem; word-break:break-all; }
h2 { font-size:1.05rem; margin:1.2rem 0 .5rem; }
.muted { color:var(--muted); }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:.6rem; margin:.6rem 0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.5rem .7rem; }
.card .k { color:var(--muted); font-size:.8rem; } .card .v { font-size:1.15rem; font-weight:600; word-break:break-word; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:1rem; }
@media (max-width:760px) { .grid2 { grid-template-columns:1fr; } main { padding:.5rem; } }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.3rem .45rem; border-bottom:1px solid var(--line); vertical-align:top; }
th a { color:inherit; } tr.selected { outline:2px solid var(--accent); outline-offset:-2px; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.scroll { overflow-x:auto; }
.badge { display:inline-block; padding:0 .45rem; border-radius:999px; border:1px solid var(--line); font-size:.8rem; font-weight:600; }
.good { color:var(--good); } .bad { color:var(--bad); } .same { color:var(--same); }
progress { width:100%; height:12px; accent-color:var(--accent); }
form.signout { margin-left:auto; }
.chart { margin:0; } .chart figcaption { font-weight:600; margin-bottom:.3rem; }
.chart svg text { fill:var(--fg); font-size:11px; } .chart .axis { stroke:var(--line); }
.bar { fill:var(--accent); } .bar.good { fill:var(--good); } .bar.bad { fill:var(--bad); } .bar.same { fill:var(--same); }
.series.base polyline { stroke:var(--same); stroke-width:2; } .series.base circle { fill:var(--same); }
.series.candidate polyline { stroke:var(--accent); stroke-width:2; } .series.candidate circle { fill:var(--accent); }
.legend { margin-left:.8rem; font-weight:400; font-size:.85rem; } .legend.base { color:var(--same); } .legend.candidate { color:var(--accent); }
pre, .output { white-space:pre-wrap; word-break:break-word; background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.6rem; margin:0; font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace; }
ins { background:var(--added); text-decoration:none; } del { background:var(--removed); text-decoration:none; }
details.step { margin-left:1rem; } details.step > summary { cursor:pointer; }
form.inline { display:flex; gap:.5rem; flex-wrap:wrap; align-items:center; margin:.4rem 0; }
input, select, button { font:inherit; padding:.25rem .45rem; border:1px solid var(--line); border-radius:5px; background:var(--bg); color:var(--fg); }
ul.plain { padding-left:1.1rem; margin:.2rem 0; }
.error { border:1px solid var(--bad); border-radius:6px; padding:.6rem; }
`

export const VIEWER_JS = `"use strict";
(function () {
  var live = document.querySelector("[data-live-events]");
  if (live && window.EventSource) {
    var source = new EventSource(live.getAttribute("data-live-events"));
    var show = function (run) {
      var p = run.progress || (run.summary ? { totalSamples: run.summary.totalSamples, completedSamples: run.summary.successfulEvaluations + run.summary.failedEvaluations, failedSamples: run.summary.failedEvaluations } : null);
      var status = document.querySelector("[data-run-status]");
      if (status) status.textContent = run.status;
      if (p) {
        var total = p.totalSamples || 0, done = p.completedSamples || 0;
        var pct = total > 0 ? Math.round((100 * done) / total) : 0;
        var bar = document.querySelector("[data-progress-bar]");
        if (bar) bar.value = pct;
        var text = document.querySelector("[data-progress-text]");
        if (text) text.textContent = done + " of " + total + " samples (" + pct + "%)" + (p.failedSamples ? ", " + p.failedSamples + " failed" : "");
      }
    };
    source.addEventListener("run", function (e) { try { show(JSON.parse(e.data)); } catch (_) {} });
    source.addEventListener("done", function (e) {
      try { show(JSON.parse(e.data)); } catch (_) {}
      source.close();
      // The finished run's rows and summary are rendered by the server: load them once.
      setTimeout(function () { location.reload(); }, 150);
    });
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll("table[data-keys] tbody tr"));
  var at = -1;
  var select = function (i) {
    if (rows.length === 0) return;
    if (at >= 0 && rows[at]) rows[at].classList.remove("selected");
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows[at].classList.add("selected");
    rows[at].scrollIntoView({ block: "nearest" });
  };
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
    if (e.key === "j") select(at + 1);
    else if (e.key === "k") select(at - 1);
    else if (e.key === "Enter" && at >= 0) { var a = rows[at].querySelector("a[href]"); if (a) location.href = a.getAttribute("href"); }
    else if (e.key === "Escape") { var up = document.querySelector("a[data-up]"); if (up) location.href = up.getAttribute("href"); }
  });
})();
`
