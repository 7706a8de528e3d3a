// The console's shell: login, navigation between pages (#/fleet, #/summary, #/device/<endpoint>,
// #/certifications), the live-event status and the banner shown while the server is out of reach.

import {api, describe, forgetToken, onUnauthorized, saveToken, token} from './api.js';
import {h, fill} from './dom.js';
import {EventFeed} from './events.js';
import {renderFleet} from './fleet.js';
import {renderSummary} from './summary.js';
import {renderDevice} from './device.js';
import {renderCertifications} from './certifications.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const banner = document.getElementById('banner');
const live = document.getElementById('live');
const logout = document.getElementById('logout');
const feed = new EventFeed();
let cleanup = null;

const LIVE_TEXT = {
  off: '', connecting: 'connecting…', live: '● live', reconnecting: 'server unreachable: reconnecting…'};
feed.onStatus(status => {
  live.textContent = LIVE_TEXT[status];
  live.className = `live ${status}`;
  const lost = status === 'reconnecting';
  banner.textContent = lost ? 'Lost the connection to the server: what this page shows may be out of date. '
    + 'Reconnecting…' : '';
  banner.hidden = !lost;
});

onUnauthorized(reason => {
  forgetToken();
  feed.stop();
  showLogin(`Logged out: ${reason || 'the server refused the token'}.`);
});

logout.addEventListener('click', () => {
  forgetToken();
  feed.stop();
  showLogin('Logged out.');
});

function showLogin(message) {
  feed.stop();
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  nav.hidden = true;
  logout.hidden = true;
  const input = h('input', {id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
    'aria-describedby': 'token-help'});
  const error = h('p', {class: 'error', role: 'alert', id: 'login-error'}, message || '');
  const form = h('form', {class: 'login card', onsubmit: async event => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) {
      error.textContent = 'Paste an API token first.';
      input.focus();
      return;
    }
    try {
      await api('/api/compliance', {token: value});
      saveToken(value);
      start();
    } catch (e) {
      error.textContent = describe(e);
      input.focus();
    }
  }},
  h('h1', {}, 'Log in'),
  h('label', {for: 'token'}, 'API token'),
  input,
  h('p', {id: 'token-help', class: 'help'},
    'An API token of this server (printed once by its first start, or made with ',
    h('code', {}, 'portfolio tokens create'),
    '). `portfolio demo` prints a login link that logs in without one. The token stays in this tab only.'),
  h('button', {type: 'submit'}, 'Log in'),
  error);
  fill(main, form);
  input.focus();
}

function route(moveFocus = false) {
  if (!token()) {
    showLogin();
    return;
  }
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const hash = location.hash || '#/fleet';
  const [, page, ...rest] = hash.split('/');
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.page === page) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const context = {feed};
  if (page === 'device' && rest.length > 0) {
    cleanup = renderDevice(main, decodeURIComponent(rest.join('/')), context);
  } else if (page === 'summary') {
    cleanup = renderSummary(main, context);
  } else if (page === 'certifications') {
    cleanup = renderCertifications(main, context);
  } else {
    cleanup = renderFleet(main, context);
  }
  if (moveFocus) {
    main.focus({preventScroll: true}); // the link followed is gone: the keyboard goes on in the new page
  }
}

function start() {
  nav.hidden = false;
  logout.hidden = false;
  feed.start();
  if (!location.hash.startsWith('#/')) {
    history.replaceState(null, '', '#/fleet');
  }
  route();
}

/** A login link (#login=<one-time code>): exchange the code for a token, then drop it from the address bar. */
async function loginWithCode(code) {
  history.replaceState(null, '', '#/fleet');
  try {
    const answer = await api('/console/login', {method: 'POST', json: {code}, anonymous: true});
    saveToken(answer.token);
    start();
  } catch (e) {
    showLogin(describe(e));
  }
}

// A browser holds at most six connections to a server over HTTP/1.1: a page left for another must not keep its
// event stream open (a page kept in the back-forward cache would), or a few visits starve every later request.
window.addEventListener('pagehide', () => feed.stop());
window.addEventListener('pageshow', event => {
  if (event.persisted && token()) {
    feed.start();
  }
});

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#login=')) {
    loginWithCode(location.hash.slice('#login='.length));
  } else if (token()) {
    route(true);
  }
});

if (location.hash.startsWith('#login=')) {
  loginWithCode(location.hash.slice('#login='.length));
} else if (token()) {
  start();
} else {
  showLogin();
}
