/* Copy buttons of the share page. */
(function () {
  "use strict";
  var done = document.getElementById("copied-text").textContent;
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-target"));
      field.select();
      var label = button.textContent;
      var finish = function () { button.textContent = done; setTimeout(function () { button.textContent = label; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(field.value).then(finish, finish); }
      else { document.execCommand("copy"); finish(); }
    });
  });
})();
