/**
 * The report page's script, shipped inline. It reads the JSON data block and lists the papers
 * behind a confusion-matrix cell, scrolling them into view when they are off-screen. It builds
 * every node with `textContent` (never `innerHTML`), so a title that contains markup is shown as
 * text. Plain ES2017, no modules: it runs from a file:// URL in any current browser.
 */

/** What `html.ts` embeds for this script. */
export interface ReportPageData {
  categories: string[];
  repeats: number;
  /** [id, title], each paper once. */
  papers: [string, string][];
  /** [paper index, true category index, predicted category index, confidence], one per out-of-fold prediction. */
  predictions: [number, number, number, number][];
}

export const REPORT_SCRIPT = `
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (!source) return;
  var data = JSON.parse(source.textContent || "{}");
  var panel = document.getElementById("cell-papers");
  var cells = Array.prototype.slice.call(document.querySelectorAll(".heatmap .cell"));

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  /** One entry per paper in the cell, with how many of its predictions fell there. */
  function papersIn(t, p) {
    var byPaper = new Map();
    var total = 0;
    data.predictions.forEach(function (q) {
      if (q[1] !== t || q[2] !== p) return;
      total += 1;
      var entry = byPaper.get(q[0]);
      if (!entry) { entry = { paper: q[0], times: 0, sum: 0 }; byPaper.set(q[0], entry); }
      entry.times += 1;
      entry.sum += q[3];
    });
    var list = Array.from(byPaper.values());
    list.sort(function (a, b) { return b.times - a.times || b.sum / b.times - a.sum / a.times || a.paper - b.paper; });
    return { total: total, list: list };
  }

  function show(t, p) {
    cells.forEach(function (c) {
      c.classList.toggle("selected", Number(c.getAttribute("data-t")) === t && Number(c.getAttribute("data-p")) === p);
    });
    var found = papersIn(t, p);
    var trueName = data.categories[t];
    var predictedName = data.categories[p];
    panel.textContent = "";
    var heading = el("h3");
    heading.appendChild(document.createTextNode("True "));
    heading.appendChild(el("q", trueName));
    heading.appendChild(document.createTextNode(t === p ? ", predicted correctly" : ", predicted as "));
    if (t !== p) heading.appendChild(el("q", predictedName));
    panel.appendChild(heading);
    var note = el("p", found.total + " prediction" + (found.total === 1 ? "" : "s") + " of " + found.list.length + " paper" +
      (found.list.length === 1 ? "" : "s") + " (each paper is predicted once per repeat, " + data.repeats + " repeats)", "muted small cell-summary");
    note.setAttribute("data-total", String(found.total));
    panel.appendChild(note);
    var back = el("a", "back to the matrix", "small back");
    back.setAttribute("href", "#confusion");
    panel.appendChild(back);
    if (found.list.length === 0) return;
    var table = el("table", undefined, "papers");
    var head = el("thead");
    var hr = el("tr");
    ["id", "title", "true", "predicted", "times", "mean confidence"].forEach(function (name) {
      hr.appendChild(el("th", name, name === "times" || name === "mean confidence" ? "num" : ""));
    });
    head.appendChild(hr);
    table.appendChild(head);
    var body = el("tbody");
    found.list.forEach(function (entry) {
      var paper = data.papers[entry.paper];
      var tr = el("tr", undefined, "paper");
      tr.appendChild(el("td", paper[0], "id"));
      tr.appendChild(el("td", paper[1], "title"));
      tr.appendChild(el("td", trueName, "true"));
      tr.appendChild(el("td", predictedName, "predicted"));
      var times = el("td", entry.times + " of " + data.repeats, "num times");
      times.setAttribute("data-times", String(entry.times));
      tr.appendChild(times);
      tr.appendChild(el("td", (entry.sum / entry.times).toFixed(3), "num confidence"));
      body.appendChild(tr);
    });
    table.appendChild(body);
    panel.appendChild(table);
  }

  /**
   * Beside the matrix (a wide window) the panel is already in view; below it (a narrow one) it
   * starts off-screen, so bring its top into view, with room for the heading and a few rows.
   */
  function reveal() {
    var box = panel.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    if (box.top < 0 || box.top + Math.min(box.height, 160) > height) panel.scrollIntoView({ block: "start" });
  }

  function bind(node) {
    var t = Number(node.getAttribute("data-t"));
    var p = Number(node.getAttribute("data-p"));
    function choose() { show(t, p); reveal(); }
    node.addEventListener("click", choose);
    node.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(); }
    });
  }
  cells.forEach(bind);
  Array.prototype.forEach.call(document.querySelectorAll("button.show-cell"), bind);
})();
`;
