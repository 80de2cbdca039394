// Segscope's service worker: keeps a copy of the app's own files (its code, styles and icons; never any data) so that
// after one visit the app opens and works with the network off. scripts/service-worker.mjs writes the list of files
// and the build's version into the copy in dist/ (this file is the template).
//
// Pages (navigations) come from the network first, so an update is seen at once; when the network is down or slow the
// copy answers. Every other file of the list comes from the copy (their names change with their content). Nothing
// outside this folder is touched: a deployment at a sub-path keeps its own copy, and requests elsewhere pass through.
'use strict';

const VERSION = '__SEGSCOPE_VERSION__';
const FILES = ['__SEGSCOPE_FILES__'];
// How long a page waits for the network before the copy answers.
const NETWORK_WAIT_MS = 4000;

const scope = self.registration.scope;
const prefix = `segscope ${scope} `;
const cacheName = prefix + VERSION;
const index = new URL('index.html', scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(cacheName)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(new URL(f, scope).href, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(prefix) && k !== cacheName).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The network's answer, or undefined if it fails or takes longer than NETWORK_WAIT_MS. */
function network(request) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), NETWORK_WAIT_MS);
    fetch(request).then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(scope)) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      network(request).then(async (response) => response ?? (await caches.match(index, { cacheName })) ?? Response.error()),
    );
    return;
  }
  event.respondWith(caches.match(request, { cacheName }).then((hit) => hit ?? fetch(request)));
});
