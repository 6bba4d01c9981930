// The site menu and the back office menu fold away on a narrow screen (each below its data-fold-below width), so that
// a page's content starts on the first screen of a phone. The menus are open in the page itself: without this script
// nothing is hidden. Widening the window opens them again. The page loads this script right after each menu, so that
// a menu is folded before the rest of the page is drawn; a menu is set up once.
(function () {
  'use strict';
  if (!window.matchMedia) return;
  Array.prototype.forEach.call(document.querySelectorAll('details.fold-menu:not([data-folded])'), function (menu) {
    menu.setAttribute('data-folded', '');
    var narrow = window.matchMedia('(max-width: ' + (menu.getAttribute('data-fold-below') || '40rem') + ')');
    function apply() { menu.open = !narrow.matches; }
    apply();
    if (narrow.addEventListener) narrow.addEventListener('change', apply);
    else if (narrow.addListener) narrow.addListener(apply);
  });
}());
