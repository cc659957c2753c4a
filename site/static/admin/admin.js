/* Atrium back-office behaviour, in a file rather than inline handlers (CSP-friendly). */
(function () {
  "use strict";

  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Markdown preview: the server renders exactly what the site will show.
  var section = document.querySelector(".markdown-preview[data-preview-url]");
  var source = document.querySelector("textarea[name=description]");
  if (!section || !source || !section.getAttribute("data-preview-url")) {
    return;
  }
  var target = section.querySelector(".markdown-preview-body");
  var token = document.querySelector("input[name=csrf_token]");
  var timer = null;
  function refresh() {
    var body = new URLSearchParams();
    body.append("text", source.value);
    fetch(section.getAttribute("data-preview-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) { target.innerHTML = data.html; });
  }
  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  refresh();
})();

/* Replacements for Flask-Admin's inline onclick handlers (see templates/admin/). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-model-action]");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action.getAttribute("data-model-action"));
      return;
    }
    var add = event.target.closest("[data-inline-add]");
    if (add && window.faForm) {
      event.preventDefault();
      window.faForm.addInlineField(add, add.getAttribute("data-inline-add"));
      return;
    }
    if (event.target.closest("[data-prevent-default]")) {
      event.preventDefault();
    }
  });
})();

/* Inline list edits carry the row's version in their key (data-pk="id:version"): the
   server refuses an edit of a row changed since the list was loaded. After a save, the
   cells of that row take the new key, so the same row can be edited again. */
(function () {
  "use strict";
  if (!window.jQuery) {
    return;
  }
  var $ = window.jQuery;
  function takeNewKey(event, params) {
    var next = params && params.response && params.response.pk;
    if (!next) {
      return;
    }
    var row = String(next).split(":")[0];
    $("[data-role^='x-editable']").each(function () {
      var cell = $(this);
      if (String(cell.data("pk")).split(":")[0] === row) {
        cell.attr("data-pk", next).data("pk", next);
        if (cell.data("editable")) {
          cell.editable("option", "pk", next);
        }
      }
    });
  }
  // x-editable announces a save with triggerHandler, which does not bubble: bind each cell.
  $(function () {
    $("[data-role^='x-editable']").on("save", takeNewKey);
  });
})();
