// Progressive enhancement of the commons catalogue: filters and search as you type,
// their state kept in the URL so that it can be shared. Without JavaScript the page
// lists every common, grouped by challenge, and the filter form is not shown. Where
// scripts run, the stylesheet shows the form from the first paint, so that nothing
// moves when this script starts (see .filters in style.css).
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  if (!form) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-facets]"));
  if (!cards.length || !window.URLSearchParams || !window.history) {
    form.hidden = true; // a form that would do nothing
    return;
  }
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var count = document.getElementById("filter-count");
  var exact = ["status", "maturity", "license", "progress", "eligible"];
  var among = ["challenge", "type", "need"];

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The template gives the count's messages, one per plural category (data-one, data-other).
  function plural(n) {
    try { return new Intl.PluralRules(document.documentElement.lang).select(n); }
    catch (error) { return n === 1 ? "one" : "other"; }
  }

  function matches(card, params, words) {
    for (var i = 0; i < exact.length; i++) {
      var want = params.get(exact[i]);
      if (want && card.getAttribute("data-" + exact[i]) !== want) return false;
    }
    for (var j = 0; j < among.length; j++) {
      var wanted = params.get(among[j]);
      var have = " " + (card.getAttribute("data-" + among[j]) || "") + " ";
      if (wanted && have.indexOf(" " + wanted + " ") < 0) return false;
    }
    var text = card.getAttribute("data-search") || "";
    return words.every(function (word) { return text.indexOf(word) >= 0; });
  }

  function apply() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value.trim()) params.set(field.name, field.value.trim());
    });
    var words = fold(params.get("q") || "").split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      card.hidden = !matches(card, params, words);
      if (!card.hidden) shown += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-facets]:not([hidden])");
    });
    var message = count.getAttribute("data-" + plural(shown)) ||
      count.getAttribute("data-other") || "";
    count.textContent = message.replace("{shown}", shown).replace("{total}", cards.length);
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  new URLSearchParams(window.location.search).forEach(function (value, name) {
    var field = form.elements.namedItem(name);
    if (field) field.value = value;
  });
  form.classList.add("filters--on"); // for browsers without @media (scripting)
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  apply();
})();
