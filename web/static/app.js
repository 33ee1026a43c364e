/* The portal's page behaviour beyond htmx's attributes. A static file rather than inline
   script or hx-on attributes, so the Content-Security-Policy allows no inline script and no
   eval. Each behaviour is switched on by a data attribute in the templates. */
"use strict";

/* data-swap-statuses="413 429 503": show these error responses too (the chat answers a
   refused or failed message with a reply saying why; htmx would not swap an error). */
document.addEventListener("htmx:beforeSwap", function (event) {
  var scope = event.target.closest("[data-swap-statuses]");
  if (!scope) return;
  var statuses = scope.dataset.swapStatuses.split(" ");
  if (statuses.indexOf(String(event.detail.xhr.status)) !== -1) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

/* data-scroll-to-end="#id": after a swap inside, keep that element scrolled to its end
   (the chat log shows the newest reply). */
document.addEventListener("htmx:afterSwap", function (event) {
  var scope = event.target.closest("[data-scroll-to-end]");
  if (!scope) return;
  var log = document.querySelector(scope.dataset.scrollToEnd);
  if (log) log.scrollTop = log.scrollHeight;
});

/* data-reset-after-request on a form: empty it once its request is answered (the chat's
   message field). data-clear-after-request="#id" on a field: empty that element (a
   subdistrict list, once the province changed and the district list is new). */
document.addEventListener("htmx:afterRequest", function (event) {
  var element = event.detail.elt;
  if (element.hasAttribute("data-reset-after-request")) element.reset();
  var target = element.dataset.clearAfterRequest;
  if (target) {
    var cleared = document.querySelector(target);
    if (cleared) cleared.innerHTML = "";
  }
});

/* data-capital-total on an <output>: shares × par value, worked out as they are typed (the
   server works it out again on saving; without JavaScript the saved page shows it). */
document.addEventListener("input", function (event) {
  if (!event.target.hasAttribute("data-capital-part")) return;
  var output = document.querySelector("[data-capital-total]");
  if (!output) return;
  var read = function (id) {
    var field = document.getElementById(id);
    return field ? Number(field.value.replace(/[,\s]/g, "")) : NaN;
  };
  var total = read("f-share_count") * read("f-par_value");
  var locale = output.dataset.locale === "th" ? "th-TH" : "en-US";
  output.textContent = isFinite(total) && total > 0
    ? total.toLocaleString(locale, {maximumFractionDigits: 2}) : "—";
});

/* data-focus-on-load (the error summary of a refused form): focus it once the page is shown,
   or once htmx swapped it in, so keyboard and screen-reader users start from what to
   correct rather than the top of the page. */
function focusOnLoad(root) {
  var target = root.querySelector("[data-focus-on-load]");
  if (target) target.focus();
}
focusOnLoad(document);
document.addEventListener("htmx:afterSettle", function (event) {
  focusOnLoad(event.detail.elt);
});

/* data-owner-follows="#id" on a document kind's select (with data-identity-kinds): an ID card
   or passport copy is a person's, so choosing one picks the person still missing theirs
   (the owner's data-next-person, else the first person); a map or a letter of consent is
   the company's; "other" keeps the choice. The server refuses an identity document for no
   one anyway. */
document.addEventListener("change", function (event) {
  var kind = event.target;
  if (!kind.hasAttribute || !kind.hasAttribute("data-owner-follows")) return;
  var owner = document.querySelector(kind.dataset.ownerFollows);
  if (!owner) return;
  var identity = (kind.dataset.identityKinds || "").split(" ").indexOf(kind.value) !== -1;
  if (identity && owner.value === "") {
    var next = owner.dataset.nextPerson;
    var first = owner.querySelector("option:not([value=''])");
    owner.value = next || (first ? first.value : "");
  } else if (!identity && kind.value !== "other") {
    owner.value = "";
  }
});
