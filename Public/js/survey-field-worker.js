// Service worker of the survey's field mode: keeps the field page, the stylesheet and the field script, so that the
// page opens again on a phone without a network. Network first: with a connection the interviewer always gets the
// current page; the copy is only the fallback. Recorded visits live in the page's queue, never here.
'use strict';
var CACHE = 'quartier-survey-field-v1';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

function kept(request) {
  if (request.method !== 'GET') return false;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return /^\/befragung\/[^/]+\/feld$/.test(url.pathname) || url.pathname === '/css/quartier.css' || url.pathname === '/js/survey-field.js';
}

self.addEventListener('fetch', function (event) {
  if (!kept(event.request)) return;
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(event.request, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.match(event.request).then(function (hit) {
      return hit || caches.match(event.request, { ignoreSearch: true });
    }).then(function (hit) {
      if (!hit) return Response.error();
      if (event.request.mode !== 'navigate') return hit;
      // The page learns that it is the kept copy (and tells the interviewer so) by a mark on its <body>.
      return hit.text().then(function (html) {
        return new Response(html.replace('<body', '<body data-offline-copy'), { status: hit.status, statusText: hit.statusText, headers: hit.headers });
      });
    });
  }));
});
