// The site menu folds away on a narrow screen, so that a page's content starts on the first screen of a phone. The
// menu is open in the page itself: without this script nothing is hidden. Widening the window opens it again.
(function () {
  'use strict';
  var menu = document.querySelector('details.site-menu');
  if (!menu || !window.matchMedia) return;
  var narrow = window.matchMedia('(max-width: 40rem)');
  function apply() { menu.open = !narrow.matches; }
  apply();
  if (narrow.addEventListener) narrow.addEventListener('change', apply);
  else if (narrow.addListener) narrow.addListener(apply);
}());
