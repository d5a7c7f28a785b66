// Pan and zoom for the transmission graph (<div data-zoomable> around its SVG and its buttons): the wheel or
// the +/− buttons zoom, dragging pans, two fingers pinch. Only the SVG's viewBox changes, never the drawing.
(function () {
  "use strict";
  var STEP = 1.25, CLOSEST = 0.05;  // drawing units per screen pixel, zoomed in all the way

  function setUp(box) {
    var svg = box.querySelector("svg");
    if (!svg) return;
    var drawing = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    var pointers = new Map();
    var pinch = null;
    box.classList.add("zooming");
    // The box is as tall as the drawing up to most of the screen. It opens at the drawing's own size (a large
    // cluster at its top left, a small one centred); "whole graph" fits all of it in the box.
    svg.style.height = Math.max(200, Math.min(drawing[3], window.innerHeight * 0.6)) + "px";
    var rect = svg.getBoundingClientRect();
    var fit = Math.max(drawing[2] / rect.width, drawing[3] / rect.height, 1);

    function framed(k) {
      var w = rect.width * k, h = rect.height * k;
      return [drawing[0] - Math.max(0, (w - drawing[2]) / 2), drawing[1] - Math.max(0, (h - drawing[3]) / 2), w, h];
    }

    var whole = framed(fit);
    var view = framed(1);

    function show() {
      svg.setAttribute("viewBox", view.map(function (n) { return n.toFixed(2); }).join(" "));
    }

    // The drawing's point under a screen point, for zooming about the finger or the cursor.
    function at(clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      var scale = Math.max(view[2] / rect.width, view[3] / rect.height);
      var offsetX = (rect.width * scale - view[2]) / 2, offsetY = (rect.height * scale - view[3]) / 2;
      return [view[0] - offsetX + (clientX - rect.left) * scale, view[1] - offsetY + (clientY - rect.top) * scale];
    }

    function unitsPerPixel() {
      var rect = svg.getBoundingClientRect();
      return Math.max(view[2] / rect.width, view[3] / rect.height);
    }

    function zoom(factor, centre) {
      var perPixel = view[2] / factor / rect.width;
      if (perPixel < CLOSEST || perPixel > fit * STEP) return;
      var c = centre || [view[0] + view[2] / 2, view[1] + view[3] / 2];
      view = [c[0] - (c[0] - view[0]) / factor, c[1] - (c[1] - view[1]) / factor, view[2] / factor, view[3] / factor];
      show();
    }

    box.addEventListener("click", function (event) {
      var button = event.target.closest("[data-zoom]");
      if (!button) return;
      var how = button.getAttribute("data-zoom");
      if (how === "in") zoom(STEP);
      else if (how === "out") zoom(1 / STEP);
      else { view = whole.slice(); show(); }
    });

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? STEP : 1 / STEP, at(event.clientX, event.clientY));
    }, { passive: false });

    svg.addEventListener("pointerdown", function (event) {
      svg.setPointerCapture(event.pointerId);
      pointers.set(event.pointerId, [event.clientX, event.clientY]);
      pinch = null;
    });

    svg.addEventListener("pointermove", function (event) {
      var last = pointers.get(event.pointerId);
      if (!last) return;
      var now = [event.clientX, event.clientY];
      pointers.set(event.pointerId, now);
      if (pointers.size === 1) {
        var k = unitsPerPixel();
        view[0] -= (now[0] - last[0]) * k;
        view[1] -= (now[1] - last[1]) * k;
        show();
      } else if (pointers.size === 2) {
        var points = Array.from(pointers.values());
        var distance = Math.hypot(points[0][0] - points[1][0], points[0][1] - points[1][1]);
        if (pinch) zoom(distance / pinch, at((points[0][0] + points[1][0]) / 2, (points[0][1] + points[1][1]) / 2));
        pinch = distance;
      }
    });

    function release(event) {
      pointers.delete(event.pointerId);
      pinch = null;
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    show();
  }

  document.querySelectorAll("[data-zoomable]").forEach(setUp);
})();
