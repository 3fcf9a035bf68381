// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Disable a form's submit buttons once it is submitted, so a double click sends it once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.allowResubmit !== undefined) { return; }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
  // Confirm dangerous actions: <form data-confirm="Are you sure?">.
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
  // A table wider than a phone scrolls inside its box: let the keyboard reach that box too, named by
  // the table's caption or the nearest heading before it.
  document.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label")) {
      var caption = box.querySelector("caption");
      var heading = null;
      for (var el = box; el && !heading; el = el.parentElement) {
        for (var prev = el.previousElementSibling; prev && !heading; prev = prev.previousElementSibling) {
          if (/^H[1-6]$/.test(prev.tagName)) { heading = prev; }
        }
      }
      var name = (caption || heading || document.querySelector("h1") || {}).textContent || document.title;
      box.setAttribute("aria-label", name.trim().slice(0, 120));
    }
  });
  // Searchable selects (accounts/widgets.py): load the vendored Tom Select and its glue only when a page has one.
  var enhanced = document.querySelector("[data-widget][data-assets-js]");
  if (enhanced) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = enhanced.dataset.assetsCss;
    document.head.appendChild(css);
    var lib = document.createElement("script");
    lib.src = enhanced.dataset.assetsJs;
    lib.onload = function () {
      var glue = document.createElement("script");
      glue.src = enhanced.dataset.assetsGlue;
      document.body.appendChild(glue);
    };
    document.body.appendChild(lib);
  }
})();
