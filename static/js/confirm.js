// Acts that cannot be taken back ask first. A form (or its submit button) carrying
// data-confirm="question" opens a dialog; only "yes" sends it, with confirmed=1 added,
// so the server acts at once. Without JavaScript the same post, lacking confirmed=1,
// gets a confirmation page from the server (assembly/confirm.py).
//   data-confirm        the question
//   data-confirm-detail what will happen (optional)
//   data-confirm-yes    the label of the button that acts
//   data-confirm-no     the label of the button that changes nothing
(function () {
  "use strict";
  if (!window.HTMLDialogElement) return; // the server's confirmation page does the job

  function source(form, submitter) {
    if (submitter && submitter.dataset && submitter.dataset.confirm) return submitter;
    if (form.dataset && form.dataset.confirm) return form;
    return null;
  }

  function ask(from, done) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-q");
    var question = document.createElement("h2");
    question.id = "confirm-dialog-q";
    question.textContent = from.dataset.confirm;
    dialog.appendChild(question);
    if (from.dataset.confirmDetail) {
      var detail = document.createElement("p");
      detail.textContent = from.dataset.confirmDetail;
      dialog.appendChild(detail);
    }
    var row = document.createElement("div");
    row.className = "actions";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger confirm-yes";
    yes.textContent = from.dataset.confirmYes || from.dataset.confirm;
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button secondary confirm-no";
    no.textContent = from.dataset.confirmNo || "Cancel";
    row.appendChild(no);
    row.appendChild(yes);
    dialog.appendChild(row);
    document.body.appendChild(dialog);
    var answered = false;
    function close(result) {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      done(result);
      document.dispatchEvent(new CustomEvent("confirm:closed"));
    }
    yes.addEventListener("click", function () { close(true); });
    no.addEventListener("click", function () { close(false); });
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); close(false); });
    dialog.showModal();
    no.focus(); // the safe answer is the one a stray Enter gives
  }

  // Capture, so this runs before any other submit handler (meetings.js sends with fetch).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.tagName !== "FORM") return;
    var submitter = event.submitter || null;
    var from = source(form, submitter);
    if (!from) return;
    if (form.querySelector('input[name="confirmed"][value="1"]')) return; // already asked
    event.preventDefault();
    event.stopImmediatePropagation();
    ask(from, function (yes) {
      if (!yes) { if (submitter) submitter.focus(); return; }
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirmed";
      field.value = "1";
      form.appendChild(field);
      if (form.requestSubmit) {
        if (submitter && submitter.form === form) form.requestSubmit(submitter);
        else form.requestSubmit();
      } else {
        if (submitter && submitter.name) {
          var chosen = document.createElement("input");
          chosen.type = "hidden";
          chosen.name = submitter.name;
          chosen.value = submitter.value;
          form.appendChild(chosen);
        }
        form.submit();
      }
      // The next use of the same form asks again.
      setTimeout(function () { if (field.parentNode) field.parentNode.removeChild(field); }, 0);
    });
  }, true);
})();
