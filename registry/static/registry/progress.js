// Refresh a job's status block every second until the job has finished. A block
// marked data-reload reloads the whole page then: the rest of it depends on the result.
(function () {
  function poll() {
    var block = document.getElementById("job-status");
    if (!block || block.dataset.finished === "1") return;
    fetch(window.location.href, { headers: { "X-Partial": "1" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var reload = block.dataset.reload === "1";
        block.outerHTML = html;
        var fresh = document.getElementById("job-status");
        if (reload && (!fresh || fresh.dataset.finished === "1")) {
          window.location.reload();
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
