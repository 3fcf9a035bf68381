// Turns the plain selects of accounts/widgets.py into searchable Tom Select widgets, and shows
// mentor-only fields only to mentors. Loaded by site.js; without it every field still works.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }

  function labelText(select) {
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    if (!label && select.id) { label = document.getElementById(select.id + "-ts-label"); }
    return label ? label.textContent.replace(/\*/g, "").trim() : "";
  }

  function enhance(select) {
    var multiple = select.multiple;
    var settings = {
      plugins: multiple ? { remove_button: { title: select.dataset.removeTitle || "Remove" } } : {},
      maxOptions: null,
      hidePlaceholder: false,
      closeAfterSelect: !multiple,
      allowEmptyOption: true,
      searchField: ["text", "value"],
      refreshThrottle: 0,  // results follow each key at once, so Enter picks what was just typed
      render: { no_results: null }
    };
    if (multiple) {
      // After a choice, clear the search so the next word starts a new search (keyboard users type on).
      settings.onItemAdd = function () { this.setTextboxValue(""); this.refreshOptions(false); };
    } else {
      settings.plugins = ["dropdown_input"];
    }
    var ts = new window.TomSelect(select, settings);
    // Enter in a search box chooses; it never submits the whole form by surprise.
    ts.control_input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    // Screen readers: the typing box is named after the field's label.
    var name = labelText(select);
    if (name && !ts.control_input.getAttribute("aria-labelledby")) {
      ts.control_input.setAttribute("aria-label", name);
    }
    // The original <select> stays for the form's value only; assistive technology meets Tom Select's box.
    select.setAttribute("aria-hidden", "true");
    return ts;
  }

  function guessTimeZone(select, ts) {
    if (select.dataset.guessBrowser !== "true") { return; }
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone || zone === select.value || !ts.options[zone]) { return; }
    ts.setValue(zone);
    var note = document.getElementById("timezone-guess-note");
    if (note) {
      note.textContent = note.dataset.template.replace("{zone}", zone);
      note.hidden = false;
    }
  }

  document.querySelectorAll("select[data-widget]").forEach(function (select) {
    var ts = enhance(select);
    guessTimeZone(select, ts);
  });
  // The searchable lists load after the page: say when they are ready (browser tests wait for it).
  document.documentElement.setAttribute("data-widgets-ready", "");

  // <fieldset data-shown-by="id_is_mentor">: shown only while that checkbox is ticked.
  document.querySelectorAll("[data-shown-by]").forEach(function (block) {
    var box = document.getElementById(block.dataset.shownBy);
    if (!box) { return; }
    var sync = function () { block.hidden = !box.checked && !block.querySelector(".is-invalid, .invalid-feedback"); };
    box.addEventListener("change", sync);
    sync();
  });
})();
