// Quick exit: the button, or Shift pressed three times within a second and a half.
// Signed in, it also signs out: a beacon POST to /logout (with the page's CSRF token) that the
// browser delivers even as the page goes away, so the session ends everywhere. location.replace
// swaps out the current history entry, so Back does not return here.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  var target = link.getAttribute("href");
  var signOut = link.getAttribute("data-sign-out");
  var token = link.getAttribute("data-csrf");
  var left = false;

  function endSession() {
    if (!signOut || !token || !navigator.sendBeacon) { return; }
    var form = new FormData();
    form.append("csrf_token", token);
    navigator.sendBeacon(signOut, form);
  }

  function leave(event) {
    if (event) { event.preventDefault(); }
    if (left) { return; }
    left = true;
    document.body.hidden = true;
    endSession();
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

// Classroom mode: the projector and the teacher's notes follow one state on the server. Each view
// polls it and reloads when the other device has moved the class; on the projector the arrow keys
// and a clicker's PageUp/PageDown press the page's own buttons (forms that work without this).
(function () {
  "use strict";
  var holder = document.querySelector("[data-present-state]");
  if (!holder) { return; }
  var url = holder.getAttribute("data-present-state");
  var shown = holder.getAttribute("data-present-screen");
  var projector = document.body.classList.contains("projector");
  var POLL_MS = 2000;
  // Polling stops after 20 minutes without a move, a key or a tap (so a screen left on does not
  // keep a session alive); any of them starts it again.
  var IDLE_MS = 20 * 60 * 1000;
  var lastActivity = Date.now();
  var timer = null;

  function schedule() {
    if (timer === null) { timer = window.setTimeout(poll, POLL_MS); }
  }

  function poll() {
    timer = null;
    if (document.hidden || Date.now() - lastActivity > IDLE_MS) { return; }
    window.fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("not signed in"); }
        return response.json();
      })
      .then(function (state) {
        if (state.screen !== shown) { window.location.replace(window.location.pathname); return; }
        schedule();
      })
      .catch(function () { /* signed out or offline: stop; a reload starts again */ });
  }

  function wake() {
    lastActivity = Date.now();
    schedule();
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) { wake(); } });
  document.addEventListener("pointerdown", wake);
  document.addEventListener("keydown", wake);
  schedule();
  if (!projector) { return; }

  document.querySelectorAll("[data-js-only]").forEach(function (element) { element.hidden = false; });
  // A blanked screen stays blank when the other device moves the class (the page reloads).
  try {
    if (window.sessionStorage.getItem("dongui-blank")) { document.body.classList.add("blanked"); }
  } catch (error) { /* private mode */ }

  function press(role) {
    var button = document.querySelector("[data-present-" + role + "]");
    if (button) { button.click(); }
    return Boolean(button);
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  }

  var full = document.querySelector("[data-fullscreen]");
  if (full && document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", toggleFullscreen);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var key = event.key;
    var forward = key === "ArrowRight" || key === "PageDown" || key === " ";
    var back = key === "ArrowLeft" || key === "PageUp";
    if (forward || back) {
      event.preventDefault();
      // A step longer than the screen scrolls first, so nothing is skipped; at its end, move on.
      var room = document.documentElement.scrollHeight - window.innerHeight;
      var page = Math.round(window.innerHeight * 0.75);
      if (forward && window.scrollY < room - 2) { window.scrollBy(0, page); return; }
      if (back && window.scrollY > 2) { window.scrollBy(0, -page); return; }
      press(forward ? "next" : "prev");
    } else if (key === "b" || key === "B" || key === ".") {
      var blank = document.body.classList.toggle("blanked");
      try { window.sessionStorage.setItem("dongui-blank", blank ? "1" : ""); } catch (error) { /* private mode */ }
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    }
  });
})();

// Copy a text to paste elsewhere (the letter home's plain-text version).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done);
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
})();

// "Select all" and "Select none" for a list of checkboxes (the sign-in cards page): buttons marked
// data-check="all|none" and data-check-target="<the list's id>", hidden until this runs. Without
// JavaScript the page's own "everyone" button does the same job.
(function () {
  "use strict";
  document.querySelectorAll("[data-check]").forEach(function (button) {
    var list = document.getElementById(button.getAttribute("data-check-target"));
    if (!list) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = button.getAttribute("data-check") === "all";
      list.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = on; });
    });
  });
})();

// Assigning several modules at once: giving a module a due date ticks it (without JavaScript
// the page asks to tick it, and changes nothing).
(function () {
  "use strict";
  document.querySelectorAll("[data-ticks]").forEach(function (field) {
    var box = document.getElementById(field.getAttribute("data-ticks"));
    if (!box) { return; }
    field.addEventListener("change", function () { if (field.value) { box.checked = true; } });
  });
})();
