// Forms, handled here because the Content-Security-Policy runs no inline script.
// 1. A button or form with data-confirm="…" asks that question before an irreversible action is sent.
// 2. A page that shows a form's errors moves the focus to their summary (class "error-summary").
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
