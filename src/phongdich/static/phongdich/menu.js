// The menus in the top bar (<details data-menu>): one open at a time, closed by Escape (focus back on its
// summary) or a click elsewhere; aria-expanded on the summary mirrors the open state for assistive technology.
(function () {
  var menus = function () { return document.querySelectorAll("details[data-menu]"); };
  var close = function (menu) { menu.open = false; };
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches("details[data-menu]")) return;
    menu.querySelector("summary").setAttribute("aria-expanded", menu.open ? "true" : "false");
    if (menu.open) menus().forEach(function (other) { if (other !== menu) close(other); });
  }, true);
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) { if (menu.open && !menu.contains(event.target)) close(menu); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus().forEach(function (menu) {
      if (!menu.open) return;
      close(menu);
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    menus().forEach(function (menu) {
      menu.querySelector("summary").setAttribute("aria-expanded", menu.open ? "true" : "false");
    });
  });
})();
