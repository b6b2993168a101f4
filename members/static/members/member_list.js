// Search as you type: refresh only the results, keep the address shareable.
(function () {
  "use strict";
  const form = document.getElementById("member-filters");
  if (!form || !document.getElementById("results")) return;
  let timer = null;
  let latest = 0;

  function refresh() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    const url = form.action.split("?")[0] + (params.size ? "?" + params : "");
    const ticket = ++latest;
    fetch(url, { headers: { "X-Fragment": "rows" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response)))
      .then((html) => {
        if (ticket !== latest) return; // an older answer arriving late
        document.getElementById("results").outerHTML = html;
        history.replaceState(null, "", url);
      })
      .catch(() => form.submit());
  }

  form.addEventListener("input", (event) => {
    clearTimeout(timer);
    timer = setTimeout(refresh, event.target.type === "search" ? 250 : 500);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });
})();
