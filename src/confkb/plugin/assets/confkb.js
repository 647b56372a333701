/* confkb: filter the snippet catalogue by status and tool. */
(function () {
  function setup() {
    var status = document.getElementById("confkb-filter-status");
    var tool = document.getElementById("confkb-filter-tool");
    if (!status || !tool || status.dataset.ready) return;
    status.dataset.ready = "1";
    var count = document.getElementById("confkb-filter-count");
    function apply() {
      var rows = document.querySelectorAll("table.confkb-catalogue tbody tr");
      var shown = 0;
      rows.forEach(function (row) {
        var okStatus = !status.value || row.dataset.status === status.value;
        var okTool = !tool.value || (" " + row.dataset.tools + " ").indexOf(" " + tool.value + " ") >= 0;
        row.hidden = !(okStatus && okTool);
        if (!row.hidden) shown++;
      });
      if (count) count.textContent = shown + " of " + rows.length + " shown";
    }
    status.addEventListener("change", apply);
    tool.addEventListener("change", apply);
    apply();
  }
  if (typeof document$ !== "undefined") { document$.subscribe(setup); }
  else { document.addEventListener("DOMContentLoaded", setup); }
})();
