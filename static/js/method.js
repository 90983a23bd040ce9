// Vote forms ask for the method first. Without JavaScript, "Choose" reloads the vote form
// with only that method's fields (a small GET form, or a button of the vote form itself
// that posts what was typed so far, see _method_step.html). Here the
// select switches the fields in place: the fields carry data-methods (the methods they
// serve) and the vote form a hidden `method` input (data-method-value).
(function () {
  "use strict";
  function apply(step) {
    var target = document.getElementById(step.dataset.methodFor);
    var select = step.querySelector("select");
    if (!target || !select) return;
    var method = select.value;
    var input = target.querySelector("[data-method-value]");
    if (input) input.value = method;
    target.querySelectorAll("[data-methods]").forEach(function (field) {
      field.hidden = field.dataset.methods.split(" ").indexOf(method) < 0;
    });
  }
  function setUp(root) {
    root.querySelectorAll(".method-step[data-method-for]").forEach(function (step) {
      if (step.dataset.ready) return;
      step.dataset.ready = "1";
      var choose = step.querySelector(".method-choose");
      if (choose) {
        choose.hidden = true;
        // A "Choose" that belongs to the vote form would be its default button: Enter
        // in a field would choose again instead of sending. Here the select does it.
        choose.removeAttribute("form");
      }
      var select = step.querySelector("select");
      if (select) select.addEventListener("change", function () { apply(step); });
      step.addEventListener("submit", function (event) { event.preventDefault(); apply(step); });
      apply(step);
    });
  }
  setUp(document);
  document.addEventListener("console:swapped", function () { setUp(document); });
})();
