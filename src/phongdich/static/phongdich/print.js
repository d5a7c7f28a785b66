// Print buttons (<button data-print>): handled here because the Content-Security-Policy runs no inline script.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
