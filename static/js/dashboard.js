// Draws the coverage dashboard's three charts from the JSON the page carries.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const locale = document.documentElement.lang || "vi";
  const number = new Intl.NumberFormat(locale);
  const percent = (value) => (value === null ? "—" : number.format(value) + " %");
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;

  const members = document.getElementById("chart-members");
  if (members) {
    new Chart(members, {
      data: {
        labels: data.months,
        datasets: [
          {
            type: "line",
            label: data.labels.members,
            data: data.members,
            borderColor: "#1f6feb",
            backgroundColor: "rgba(31, 111, 235, 0.12)",
            fill: true,
            pointRadius: 0,
            tension: 0.2,
            yAxisID: "members",
          },
          {
            type: "bar",
            label: data.labels.admitted,
            data: data.admitted,
            backgroundColor: "rgba(46, 160, 67, 0.55)",
            yAxisID: "admitted",
          },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          members: { position: "left", ticks: { precision: 0, callback: (v) => number.format(v) } },
          admitted: { position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
          x: { ticks: { maxTicksLimit: 10 } },
        },
      },
    });
  }

  function bars(id, datasets) {
    const canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    // One bar per unit: tall enough to read every name on a phone.
    canvas.parentElement.style.height = Math.max(220, 28 * data.children.length + 60) + "px";
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.child_names, datasets: datasets },
      options: {
        indexAxis: "y",
        scales: { x: { min: 0, max: 100, ticks: { callback: (v) => v + " %" } } },
        plugins: {
          tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + percent(c.raw) } },
        },
      },
    });
  }
  bars("chart-coverage", [
    { label: data.labels.coverage, data: data.coverage, backgroundColor: "#1f6feb" },
    { label: data.labels.unionisation, data: data.unionisation, backgroundColor: "#8ab4f8" },
  ]);
  bars("chart-cba", [{ label: data.labels.cba, data: data.cba, backgroundColor: "#2ea043" }]);
})();
