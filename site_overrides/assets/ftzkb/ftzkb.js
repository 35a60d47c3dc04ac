/* ftzkb site scripts: the adoption matrix (drawn from api/v1/matrix.json, filtered in the
   browser) and the text filter of long tables. No library, no request to another host.
   Every piece of data is escaped before it reaches the page. */
(function () {
  "use strict";

  var ROWS_PER_STEP = 200;
  var MARKS = { adopted: "✔", adapted: "✚", piloting: "◔", planned: "○", declined: "✕", withdrawn: "⊘", unknown: "?" };

  function esc(value) {
    return String(value == null ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function url(template, id) {
    return template.replace("ID", encodeURIComponent(id));
  }

  /* --- the adoption matrix ------------------------------------------------------------ */

  function Matrix(root, data) {
    this.root = root;
    this.data = data;
    this.caseUrl = root.getAttribute("data-case-url");
    this.carrierUrl = root.getAttribute("data-carrier-url");
    this.scroll = root.querySelector(".ftz-matrix__scroll");
    this.summary = root.querySelector(".ftz-matrix__summary");
    this.form = root.querySelector("form");
    this.labels = {};
    var self = this;
    data.statuses.forEach(function (status) {
      var option = self.form.querySelector('select[data-filter="status"] option[value="' + status + '"]');
      self.labels[status] = option ? option.textContent : status;
    });
    this.shown = ROWS_PER_STEP;
    this.restore();
    this.form.addEventListener("change", function () { self.shown = ROWS_PER_STEP; self.remember(); self.draw(); });
    this.form.addEventListener("reset", function () {
      window.setTimeout(function () { self.shown = ROWS_PER_STEP; self.remember(); self.draw(); }, 0);
    });
    this.scroll.addEventListener("click", function (event) {
      if (event.target.classList.contains("ftz-matrix__more")) { self.shown += ROWS_PER_STEP; self.draw(); }
    });
  }

  Matrix.prototype.filters = function () {
    var chosen = {};
    this.form.querySelectorAll("select[data-filter]").forEach(function (select) {
      chosen[select.getAttribute("data-filter")] = select.value;
    });
    var toggle = this.form.querySelector('input[data-toggle="withRecords"]');
    chosen.withRecords = Boolean(toggle && toggle.checked);
    return chosen;
  };

  /* The filters live in the address (matrix.html?category=finance&status=adopted), so that a
     filtered view can be bookmarked or sent. `all=1` lists cases without records too. */
  Matrix.prototype.restore = function () {
    var params = new URLSearchParams(window.location.search);
    this.form.querySelectorAll("select[data-filter]").forEach(function (select) {
      var value = params.get(select.getAttribute("data-filter"));
      if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) select.value = value;
    });
    var toggle = this.form.querySelector('input[data-toggle="withRecords"]');
    if (toggle && params.get("all") === "1") toggle.checked = false;
  };

  Matrix.prototype.remember = function () {
    var params = new URLSearchParams(), chosen = this.filters();
    Object.keys(chosen).forEach(function (key) {
      if (key !== "withRecords" && chosen[key]) params.set(key, chosen[key]);
    });
    if (!chosen.withRecords) params.set("all", "1");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  };

  Matrix.prototype.caseMatches = function (row, f) {
    if (f.category && row.categories.indexOf(f.category) < 0) return false;
    if (f.recognition && row.recognitions.indexOf(f.recognition) < 0) return false;
    if (f.origin) {
      if (f.origin.indexOf("type:") === 0) { if (row.originType !== f.origin.slice(5)) return false; }
      else if (row.origin !== f.origin) return false;
    }
    return true;
  };

  Matrix.prototype.cellMatches = function (cell, f) {
    var carrier = this.data.carriers[cell[0]];
    if (f.status && this.data.statuses[cell[1]] !== f.status) return false;
    if (f.carrierType && carrier.types.indexOf(f.carrierType) < 0) return false;
    return true;
  };

  Matrix.prototype.select = function () {
    var f = this.filters(), self = this, rows = [], used = {};
    var cellsMatter = Boolean(f.status || f.carrierType || f.withRecords);
    this.data.cases.forEach(function (row) {
      if (!self.caseMatches(row, f)) return;
      var cells = row.cells.filter(function (cell) { return self.cellMatches(cell, f); });
      if (cellsMatter && !cells.length) return;
      cells.forEach(function (cell) { used[cell[0]] = true; });
      rows.push({ row: row, cells: cells });
    });
    var columns = [];
    this.data.carriers.forEach(function (carrier, i) { if (used[i]) columns.push(i); });
    return { rows: rows, columns: columns };
  };

  Matrix.prototype.head = function (columns) {
    var self = this;
    var cells = columns.map(function (i) {
      var c = self.data.carriers[i];
      return '<th scope="col" class="ftz-matrix__carrier"><a href="' + esc(url(self.carrierUrl, c.id)) + '" title="' +
        esc(c.name) + '"><span>' + esc(c.name) + "</span></a></th>";
    });
    return '<thead><tr><th scope="col" class="ftz-matrix__corner">案例 ＼ 载体</th>' + cells.join("") + "</tr></thead>";
  };

  Matrix.prototype.line = function (item, columns) {
    var self = this, byColumn = {};
    item.cells.forEach(function (cell) { byColumn[cell[0]] = cell; });
    var cells = columns.map(function (i) {
      var cell = byColumn[i];
      if (!cell) return '<td class="ftz-c"></td>';
      var status = self.data.statuses[cell[1]];
      var tip = self.data.carriers[i].name + " · " + self.labels[status] + (cell[2] && cell[2] !== "unknown" ? " · " + cell[2] : "");
      return '<td class="ftz-c ftz-c--' + esc(status) + '" title="' + esc(tip) + '" data-status="' + esc(status) +
        '">' + esc(MARKS[status] || "?") + "</td>";
    });
    var row = item.row;
    return '<tr data-case="' + esc(row.id) + '"><th scope="row" class="ftz-matrix__case"><a href="' +
      esc(url(self.caseUrl, row.id)) + '">' + esc(row.title) + '</a><span class="ftz-meta">' + esc(row.originName) +
      "</span></th>" + cells.join("") + "</tr>";
  };

  Matrix.prototype.draw = function () {
    var chosen = this.select(), self = this;
    var visible = chosen.rows.slice(0, this.shown);
    var body = visible.map(function (item) { return self.line(item, chosen.columns); }).join("");
    var more = chosen.rows.length > visible.length
      ? '<p><button type="button" class="md-button ftz-matrix__more">再显示 ' +
        Math.min(ROWS_PER_STEP, chosen.rows.length - visible.length) + " 行（共 " + chosen.rows.length + " 行）</button></p>"
      : "";
    this.scroll.innerHTML = chosen.rows.length
      ? '<table class="ftz-matrix__table">' + this.head(chosen.columns) + "<tbody>" + body + "</tbody></table>" + more
      : '<p class="ftz-empty">没有符合条件的案例。</p>';
    this.summary.textContent = "符合条件的案例 " + chosen.rows.length + " 个，涉及载体 " + chosen.columns.length + " 个。";
    this.root.setAttribute("data-rows", String(chosen.rows.length));
  };

  function startMatrix(root) {
    fetch(root.getAttribute("data-src"))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) { new Matrix(root, data).draw(); })
      .catch(function () {
        root.querySelector(".ftz-matrix__scroll").innerHTML = '<p class="ftz-empty">矩阵数据加载失败，请刷新页面或下载 Excel 版。</p>';
      });
  }

  /* --- text filter for long tables ------------------------------------------------------ */

  function startFilter(input) {
    var target = document.getElementById(input.getAttribute("data-filter-target"));
    if (!target) return;
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      target.querySelectorAll("tbody tr").forEach(function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (word) { return text.indexOf(word) >= 0; });
      });
    });
  }

  /* --- tables that become one card per row on a phone ---------------------------------------
     Each cell gets its column's heading as data-label (shown before it on a card); the
     stylesheet stacks only tables marked ftz-stacked, so without script they scroll instead. */

  function stackTable(wrap) {
    var table = wrap.querySelector("table");
    if (!table || !table.tHead || !table.tHead.rows.length) return;
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) { return cell.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.cells.length !== heads.length) return;  /* a group heading row */
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
    wrap.classList.add("ftz-stacked");
  }

  /* --- search: text that arrives without a key (pasted, dropped, from an input method) ------
     Material's search reacts to key presses; an input event alone leaves it showing "type to
     start searching". Passing such input on as a key-up makes it search. */

  function searchOnInput() {
    var input = document.querySelector("input.md-search__input");
    if (!input) return;
    input.addEventListener("input", function (event) {
      if (event.isComposing) return;
      input.dispatchEvent(new KeyboardEvent("keyup", { key: "Unidentified", bubbles: true }));
    });
  }

  /* --- search results: whole words highlighted --------------------------------------------
     The browser index holds Chinese text cut into words (多式​联运, with zero-width spaces),
     and Material marks only the pieces its index knows (多式). Each result's texts are redrawn
     with every word of the query marked whole, and its link asks the page to highlight the
     same words. The pinyin line a page carries for the index (ftz-pinyin, ending in U+2063)
     is taken out of the results. */

  var CUT = /\u200b/g;
  var PINYIN_MARK = "\u2063";

  function queryWords(query) {
    return query.replace(/["'+\-*~^:]/g, " ").split(/\s+/).filter(function (word) {
      return word && !/^(AND|OR|NOT)$/.test(word);
    });
  }

  function marked(text, words) {
    var lower = text.toLowerCase(), spans = [];
    words.forEach(function (word) {
      var w = word.toLowerCase(), at = lower.indexOf(w);
      while (at >= 0) { spans.push([at, at + w.length]); at = lower.indexOf(w, at + w.length); }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var html = "", done = 0;
    spans.forEach(function (span) {
      if (span[0] < done) { if (span[1] > done) { html += "<mark>" + esc(text.slice(done, span[1])) + "</mark>"; done = span[1]; } return; }
      html += esc(text.slice(done, span[0])) + "<mark>" + esc(text.slice(span[0], span[1])) + "</mark>";
      done = span[1];
    });
    return html + esc(text.slice(done));
  }

  function markResult(link, words) {
    link.setAttribute("data-ftz-marked", "");
    var url = new URL(link.href);
    if (url.searchParams.has("h")) {
      /* pinyin is not in the page's text: nothing to highlight there */
      var han = words.filter(function (word) { return /[^\x00-\x7f]/.test(word); });
      if (han.length) url.searchParams.set("h", han.join(" ")); else url.searchParams.delete("h");
      link.href = url.toString();
    }
    link.querySelectorAll("h1, h2, p, li, .md-tag").forEach(function (element) {
      if (element.textContent.indexOf(PINYIN_MARK) >= 0) { element.remove(); return; }
      if (element.querySelector("code, a, img")) return;
      element.innerHTML = marked(element.textContent.replace(CUT, ""), words);
    });
    /* the page's own result repeats its title as loose text before the first paragraph */
    link.querySelectorAll("article").forEach(function (article) {
      Array.prototype.slice.call(article.childNodes).forEach(function (node) {
        if (node.nodeType === 3) node.remove();
        else if (node.tagName === "MARK" && !node.closest("h1, h2, p, li, .md-tag")) node.remove();
      });
    });
  }

  function wholeWordResults() {
    var input = document.querySelector("input.md-search__input");
    var list = document.querySelector(".md-search-result__list");
    if (!input || !list) return;
    var queued = false;
    new MutationObserver(function () {
      if (queued) return;
      queued = true;
      window.requestAnimationFrame(function () {
        queued = false;
        var words = queryWords(input.value);
        if (!words.length) return;
        list.querySelectorAll("a.md-search-result__link:not([data-ftz-marked])").forEach(function (link) {
          markResult(link, words);
        });
      });
    }).observe(list, { childList: true, subtree: true });
  }

  /* --- print: the page's own address at its end -------------------------------------------- */

  function printAddress() {
    var article = document.querySelector("article.md-content__inner");
    if (!article) return;
    document.querySelectorAll("[data-ftz-address]").forEach(function (slot) {
      slot.textContent = window.location.href.split("#")[0];
    });
    document.querySelectorAll("[data-ftz-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    var line = document.createElement("p");
    line.className = "ftz-print-url";
    line.textContent = "本页地址：" + window.location.href.split("#")[0];
    article.appendChild(line);
  }

  /* The search dialog needs an accessible name (axe-core: aria-dialog-name); the theme gives it none. */
  function nameSearchDialog() {
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      dialog.setAttribute("aria-label", "搜索");
    });
  }

  function start() {
    nameSearchDialog();
    printAddress();
    document.querySelectorAll(".ftz-table-wrap:not(.ftz-flow)").forEach(stackTable);
    searchOnInput();
    wholeWordResults();
    document.querySelectorAll(".ftz-matrix[data-src]").forEach(startMatrix);
    document.querySelectorAll("input.ftz-filter[data-filter-target]").forEach(startFilter);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
