// Quick exit: the button, or Shift pressed three times within a second and a half.
// location.replace swaps out the current history entry, so Back does not return here.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  var target = link.getAttribute("href");

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.hidden = true;
    window.location.replace(target);
  }

  link.addEventListener("click", leave);

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 1500; });
    presses.push(now);
    if (presses.length >= 3) { leave(); }
  });
})();

// A print button (the sign-in cards page).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();

// Sort and filter apply on change (the class grid); without JavaScript the Show button does it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.classList.add("js-auto-submit");
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=checkbox], input[type=radio]")) { form.submit(); }
    });
  });
})();
