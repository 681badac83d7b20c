// Progressive enhancement: a link such as contribuer/rejoindre/?common=velo-cargo-ouvert
// preselects the common. Without JavaScript the form works the same, unfilled.
(function () {
  var form = document.querySelector("form.submission-form");
  if (!form || !window.URLSearchParams) return;
  new URLSearchParams(window.location.search).forEach(function (value, name) {
    var field = form.elements.namedItem(name);
    if (field && field.type !== "hidden" && !field.value) field.value = value;
  });
})();
