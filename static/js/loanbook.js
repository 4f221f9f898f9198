// The loan-book import page reloads itself while the import runs (CSP: script-src 'self').
(function () {
  var el = document.querySelector('[data-import-running]');
  if (!el) return;
  setTimeout(function () { location.reload(); }, 1500);
})();
