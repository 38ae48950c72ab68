// The static site's search: search.html lists every node; this keeps those whose title holds every word of ?q=.
// (The server searches itself; without JavaScript the page still lists every node.)
(function () {
  "use strict";
  var text = new URLSearchParams(window.location.search).get("q") || "";
  var input = document.querySelector("form.search input[name=q]");
  if (input) { input.value = text; }
  var words = text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  if (words.length === 0) { return; }
  var items = document.querySelectorAll("#results > li");
  var shown = 0;
  items.forEach(function (item) {
    var title = (item.getAttribute("data-title") || "").toLowerCase();
    var match = words.every(function (w) { return title.indexOf(w) !== -1; });
    item.hidden = !match;
    if (match) { shown += 1; }
  });
  var summary = document.getElementById("summary");
  if (summary) {
    summary.textContent = shown === 0
      ? "No node has \u201c" + text + "\u201d in its title."
      : shown + (shown === 1 ? " node matches" : " nodes match") + " \u201c" + text + "\u201d.";
  }
})();
