// Brings the highlighted passage into the middle of the screen (the #p fragment alone puts it at the top edge).
"use strict";
(function () {
  const mark = document.getElementById("p");
  if (!mark) return;
  mark.scrollIntoView({ block: "center" });
  mark.focus({ preventScroll: true });
})();
