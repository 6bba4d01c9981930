// Field mode of an activating survey: keeps every recorded visit on the device (localStorage) under the id the form
// carries, and sends the queue whenever the browser is online. The server stores each id once, so a retry after an
// interrupted send never makes a duplicate. Without this script the same form is an ordinary POST.
(function () {
  'use strict';
  var form = document.getElementById('visit-form');
  var status = document.getElementById('sync-status');
  if (!form || !status || !window.fetch || !window.localStorage || !window.FormData) return;
  var syncURL = form.getAttribute('data-sync-url');
  var key = 'quartier.survey-queue.' + syncURL;
  var syncing = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || []; } catch (error) { return []; }
  }
  function store(queue) { localStorage.setItem(key, JSON.stringify(queue)); }
  function text(name, first, second) {
    return (status.getAttribute('data-' + name) || '').replace('{0}', first === undefined ? '' : first).replace('{1}', second === undefined ? '' : second);
  }
  function render(extra) {
    var queue = load();
    var waiting = queue.filter(function (record) { return !record.error; }).length;
    var refused = queue.filter(function (record) { return record.error; });
    var parts = [];
    if (extra) parts.push(extra);
    parts.push(waiting > 0 ? text('queued', waiting) : text('all-sent'));
    if (refused.length > 0) parts.push(text('refused', refused.length, refused[refused.length - 1].error));
    status.hidden = false;
    status.setAttribute('data-waiting', String(waiting));
    status.textContent = parts.join(' ');
    renderRefused(refused);
  }

  // Visits the server refused (a wrong date, contact details without consent, ...) stay on the device until the
  // interviewer corrects them in the form or discards them: never silently lost, never stuck.
  var refusedBox = document.getElementById('refused-visits');
  function renderRefused(refused) {
    if (!refusedBox) return;
    var list = refusedBox.querySelector('ul');
    list.textContent = '';
    refused.forEach(function (record) {
      var item = document.createElement('li');
      var what = document.createElement('p');
      what.textContent = (record.label || '') + (record.fields.visitedOn ? ', ' + record.fields.visitedOn : '') + ': ' + record.error;
      item.appendChild(what);
      var edit = document.createElement('button');
      edit.type = 'button';
      edit.className = 'secondary small';
      edit.textContent = refusedBox.getAttribute('data-edit');
      edit.addEventListener('click', function () { loadIntoForm(record); });
      var discard = document.createElement('button');
      discard.type = 'button';
      discard.className = 'secondary small';
      discard.textContent = refusedBox.getAttribute('data-discard');
      discard.addEventListener('click', function () {
        if (!window.confirm(refusedBox.getAttribute('data-confirm'))) return;
        update(record.id, function () { return null; });
        render();
      });
      item.appendChild(edit);
      item.appendChild(document.createTextNode(' '));
      item.appendChild(discard);
      list.appendChild(item);
    });
    refusedBox.hidden = refused.length === 0;
  }

  // Puts a refused visit back into the form, under its own id: sent again, it replaces itself in the queue.
  function loadIntoForm(record) {
    form.reset();
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === '_csrf') return;
      var value = record.fields[element.name];
      if (element.type === 'radio') element.checked = value !== undefined && element.value === value;
      else if (element.type === 'checkbox') element.checked = value === 'on';
      else if (value !== undefined) {
        if (element.tagName === 'SELECT' && !Array.prototype.some.call(element.options, function (o) { return o.value === value; })) {
          var option = document.createElement('option');
          option.value = value;
          option.textContent = record.label || value;
          element.appendChild(option);
        }
        element.value = value;
      }
    });
    var address = form.querySelector('#address');
    if (address) address.focus();
  }

  function newID() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }
  function update(id, change) {
    store(load().map(function (record) { return record.id === id ? change(record) : record; }).filter(Boolean));
  }

  function sendNext(queue, index) {
    if (index >= queue.length) return Promise.resolve();
    var record = queue[index];
    if (record.error) return sendNext(queue, index + 1);
    var token = form.querySelector('input[name="_csrf"]').value;
    return fetch(syncURL, {
      method: 'POST', credentials: 'same-origin', redirect: 'error', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ fields: record.fields })
    }).then(function (response) {
      if (response.status === 422) {
        return response.json().then(function (body) {
          update(record.id, function (r) { r.error = (body.errors || []).join(' '); return r; });
          return sendNext(queue, index + 1);
        });
      }
      if (!response.ok) return null; // logged out, CSRF or server trouble: keep everything and try again later
      return response.json().then(function (body) {
        if (body.result === 'stored' || body.result === 'duplicate') update(record.id, function () { return null; });
        return sendNext(queue, index + 1);
      });
    });
  }

  function sync() {
    if (syncing) return;
    syncing = true;
    sendNext(load(), 0).catch(function () { /* offline: the queue stays and is sent later */ })
      .then(function () { syncing = false; render(); });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var fields = {};
    new FormData(form).forEach(function (value, name) { if (name !== '_csrf') fields[name] = String(value); });
    if (!fields.address || !fields.outcome) {
      render(text('incomplete'));
      (fields.address ? form.querySelector('input[name="outcome"]') : form.querySelector('#address')).focus();
      return;
    }
    var address = form.querySelector('#address');
    var label = address && address.selectedIndex >= 0 ? address.options[address.selectedIndex].textContent : '';
    // A corrected refused visit keeps its id and takes its own place again; a new one joins the end.
    var queue = load().filter(function (record) { return record.id !== fields.clientID; });
    queue.push({ id: fields.clientID, fields: fields, label: label });
    store(queue);
    form.reset();
    form.querySelector('input[name="clientID"]').value = newID();
    render(text('saved'));
    window.scrollTo(0, 0);
    sync();
  });

  var offlineCopy = document.getElementById('offline-copy');
  if (offlineCopy && document.body.hasAttribute('data-offline-copy')) offlineCopy.hidden = false;
  // A page may come from the offline copy, with the id it had when it was kept: every page load starts a new one.
  form.querySelector('input[name="clientID"]').value = newID();
  if (navigator.serviceWorker && form.getAttribute('data-worker-url')) {
    navigator.serviceWorker.register(form.getAttribute('data-worker-url'), { scope: form.getAttribute('data-worker-scope') }).catch(function () {});
  }
  // Signing out on a shared device: visits not sent yet would go out later under the next person's account, so
  // the interviewer is asked first; the kept copy of the field page (addresses of the sample) is removed.
  var logout = document.getElementById('logout');
  if (logout) {
    logout.addEventListener('submit', function (event) {
      var waiting = load().length;
      if (waiting > 0 && !window.confirm(text('logout-waiting', waiting))) { event.preventDefault(); return; }
      if (window.caches && window.caches.keys) {
        event.preventDefault();
        window.caches.keys().then(function (names) {
          return Promise.all(names.filter(function (name) { return name.indexOf('quartier-survey-field') === 0; })
            .map(function (name) { return window.caches.delete(name); }));
        }).catch(function () {}).then(function () { logout.submit(); });
      }
    });
  }
  window.addEventListener('online', sync);
  window.setInterval(function () { if (navigator.onLine !== false) sync(); }, 20000);
  render();
  sync();
}());
