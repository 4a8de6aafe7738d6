/* geo-ntm document upload: the form works without script; with a token (servers that need one)
 * the upload goes through fetch with the Authorization header, and the token is kept for this tab
 * so the document page can read the document. */
(function () {
  "use strict";
  var form = document.getElementById("dm-upload"), token = document.getElementById("dm-token");
  var status = document.getElementById("dm-upload-status");
  if (!form || !token) { return; }
  form.addEventListener("submit", function (ev) {
    if (!token.value) { return; }
    ev.preventDefault();
    var data = new FormData(form), params = new URLSearchParams({wait: "0"});
    if (data.get("date")) { params.set("date", data.get("date")); }
    data.delete("date");
    sessionStorage.setItem("geo-ntm-token", token.value);
    fetch("/api/documents?" + params.toString(), {method: "POST", body: data, headers: {Authorization: "Bearer " + token.value}})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (!res.ok) { status.textContent = String(res.body.detail || ""); return; }
        var lang = document.documentElement.getAttribute("lang") || "vi";
        window.location.assign("/documents/" + encodeURIComponent(res.body.id) + "?lang=" + lang);
      })
      .catch(function (e) { status.textContent = String(e); });
  });
}());
