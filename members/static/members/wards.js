// The ward list follows the chosen province (3,321 wards would not fit one list).
(function () {
  "use strict";
  const province = document.getElementById("id_province");
  const ward = document.getElementById("id_ward");
  if (!province || !ward) return;
  province.addEventListener("change", () => {
    const url = ward.dataset.optionsUrl + "?province=" + encodeURIComponent(province.value);
    if (!province.value) {
      ward.innerHTML = '<option value="">---------</option>';
      return;
    }
    fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response)))
      .then((html) => { ward.innerHTML = html; });
  });
})();
