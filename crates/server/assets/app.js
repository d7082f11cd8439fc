// A timeline's marks are placed from their data attributes: the page's security policy allows
// no inline style, and positions set here through the DOM are not inline markup.
(function () {
  var marks = document.querySelectorAll(".timeline [data-left]");
  for (var i = 0; i < marks.length; i++) {
    var el = marks[i];
    el.style.left = el.dataset.left + "%";
    if (el.dataset.width) el.style.width = el.dataset.width + "%";
  }
})();

// A batch's page refreshes its progress in place until the results are ready.
(function () {
  var box = document.getElementById("batch");
  if (!box || box.dataset.finished === "true") return;
  var job = box.dataset.job;
  var set = function (id, v) { var el = document.getElementById(id); if (el) el.textContent = v; };
  var tick = function () {
    fetch("/batch/" + encodeURIComponent(job) + "/progress", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        document.getElementById("progress").value = p.done;
        set("done", p.done); set("matched", p.matched_rows); set("errors", p.errors); set("seconds", p.seconds);
        if (p.finished) {
          box.dataset.finished = "true";
          document.getElementById("download").hidden = false;
        } else {
          setTimeout(tick, 500);
        }
      })
      .catch(function () { setTimeout(tick, 2000); });
  };
  setTimeout(tick, 300);
})();

// A pair's review is done from the keyboard: s, d and u decide (one entity, different,
// unsure), r goes to the reason and Esc leaves it, n skips to the next pair. A decision
// without a reason is stopped by the form's own check, which shows where the reason goes.
(function () {
  var form = document.querySelector("form.decide");
  if (!form) return;
  var reason = document.getElementById("reason");
  var verdicts = { s: "same", d: "different", u: "unsure" };
  reason.addEventListener("keydown", function (e) {
    if (e.key === "Escape") reason.blur();
  });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.tagName === "TEXTAREA" || t.tagName === "INPUT" || t.tagName === "SELECT")) return;
    var key = e.key.toLowerCase();
    if (key === "r") {
      e.preventDefault();
      reason.focus();
    } else if (key === "n") {
      var skip = document.getElementById("skip");
      if (skip) skip.click();
    } else if (verdicts[key]) {
      e.preventDefault();
      var button = form.querySelector("button[value='" + verdicts[key] + "']");
      if (form.requestSubmit) form.requestSubmit(button); else button.click();
    }
  });
})();
