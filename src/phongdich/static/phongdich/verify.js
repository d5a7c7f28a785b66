// Where the browser can read QR codes itself (BarcodeDetector), a chosen photo is decoded on the phone and
// its text sent instead of the image; otherwise the photo goes to the server, which decodes it.
(function () {
  var input = document.getElementById("id_image");
  var text = document.getElementById("id_text");
  if (!input || !text || !("BarcodeDetector" in window)) return;
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file || !window.createImageBitmap) return;
    createImageBitmap(file).then(function (bitmap) {
      return new window.BarcodeDetector({ formats: ["qr_code"] }).detect(bitmap);
    }).then(function (codes) {
      if (codes.length && codes[0].rawValue.indexOf("HC1:") === 0) {
        text.value = codes[0].rawValue;
        input.value = "";
        document.getElementById("verify-form").submit();
      }
    }).catch(function () {});
  });
})();
