/* The self-report page (/r/<token>/): a report is kept on the phone (localStorage) before it is sent, and sent
   again when the connection returns (the "online" event, a page load, or a retry every 30 s). The server answers
   a repeated report id with the report it already has, so sending twice stores once. Without this script the
   forms post as usual. */
(function () {
  "use strict";
  var page = document.querySelector("[data-selfreport]");
  if (!page || !window.fetch || !window.localStorage) return;
  var KEY = "phongdich-selfreports";
  var pendingBox = page.querySelector("[data-pending]");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    try { localStorage.setItem(KEY, JSON.stringify(items)); } catch (e) { /* storage full or off */ }
  }
  function mine(item) { return item.url === location.pathname; }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var id = "";
    for (var i = 0; i < 32; i++) id += Math.floor(Math.random() * 16).toString(16);
    return id;
  }

  function showPending(text) {
    var waiting = load().filter(mine);
    if (!waiting.length && !text) { pendingBox.hidden = true; return; }
    pendingBox.hidden = false;
    pendingBox.textContent = text || (page.dataset.savedText + " " + page.dataset.waitingText + " " + waiting.length);
  }

  function replaceMember(order, html) {
    var section = document.getElementById("member-" + order);
    if (!section || !html) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    section.replaceWith(holder.firstElementChild);
  }

  function send(item) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(item.url, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
    });
  }

  function localNow() {
    var now = new Date();
    now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    return now.toISOString().slice(0, 16);
  }

  /* Ready for the next report: empty fields, a new report id, the time now. */
  function fresh(form) {
    form.reset();
    form.querySelector("[name=client_id]").value = newId();
    var measured = form.querySelector("[name=measured_at]");
    if (measured) measured.value = localNow();
  }

  function forget(clientId) {
    save(load().filter(function (item) { return item.client_id !== clientId; }));
  }

  /* Send what waits on this phone for this page, oldest first; stop at the first failure (still offline). A report
     just made (`quiet`) is answered on its own form, without a word about the phone's store. */
  function flush(quiet) {
    if (sending || !navigator.onLine) return Promise.resolve();
    var waiting = load().filter(mine);
    if (!waiting.length) return Promise.resolve();
    sending = true;
    showPending(page.dataset.sendingText);
    var chain = Promise.resolve(true);
    waiting.forEach(function (item) {
      chain = chain.then(function (goOn) {
        if (!goOn) return false;
        return send(item).then(function (result) {
          if (result.status === 429 || result.status >= 500) return false;  // keep it, try later
          forget(item.client_id);
          replaceMember(item.order, result.answer.html);
          if (result.answer.gone) showPending(result.answer.message);
          return true;
        }, function () { return false; });  // no connection after all
      });
    });
    return chain.then(function () {
      sending = false;
      var left = load().filter(mine).length;
      showPending(left || quiet === true ? "" : page.dataset.sentText);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-selfreport-form]")) return;
    event.preventDefault();
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
    var item = {
      url: location.pathname,
      order: form.querySelector("[name=order]").value,
      client_id: form.querySelector("[name=client_id]").value,
      fields: fields,
    };
    save(load().filter(function (old) { return old.client_id !== item.client_id; }).concat([item]));
    if (!navigator.onLine) {
      fresh(form);
      showPending();
      return;
    }
    flush(true).then(function () {
      if (load().some(function (old) { return old.client_id === item.client_id; })) {
        fresh(form);  // kept on the phone: the next report is another one
        showPending();
      }
    });
  });

  window.addEventListener("online", function () { flush(); });
  setInterval(function () { flush(); }, 30000);
  showPending();
  flush();
})();
