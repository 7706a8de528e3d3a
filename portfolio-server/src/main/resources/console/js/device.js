// One device: its Portfolio instances and Identity values (editable), the /3/0/22 links, the Identity history,
// the last verdict with its decoded claims, and "Verify now".

import {api, describe} from './api.js';
import {h, fill, time, stateBadge, onlineBadge} from './dom.js';

/** A device call waits up to 30 s for the device on the server: give it a little more here. */
const DEVICE_TIMEOUT_MS = 40000;
const MAX_IDENTITY_LENGTH = 255;

/** The host-device profile's Identity numbering (docs/PORTFOLIO.md). */
const IDENTITY_NAMES = {0: 'Unique ID', 1: 'Manufacturer', 2: 'Model', 3: 'Software version'};

/** Instances this page saw the device refuse a write to (4.01): the server does not collect the lock itself. */
const lockedSeen = new Set();

/** The claims of a verdict: one object per AuthData value checked (endpoint, path, Identity, counter...). */
function decodeClaims(verification) {
  return verification && verification.claims !== undefined ? verification.claims : null;
}

/** Claims that hold a time in seconds since 1970 (AuthData's issuedAt), shown as a date. */
const TIME_CLAIMS = /^(issuedAt|iat|time)$/;

function renderClaim(key, value) {
  if (TIME_CLAIMS.test(key) && typeof value === 'number') {
    return h('span', {class: 'mono', title: String(value)}, new Date(value * 1000).toISOString());
  }
  return renderValue(value);
}

/** Any JSON value as markup: a list of objects as a table, an object as a definition list. */
function renderValue(value) {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(item => item && typeof item === 'object' && !Array.isArray(item))) {
      const keys = [...new Set(value.flatMap(item => Object.keys(item)))];
      return h('div', {class: 'table-wrap'}, h('table', {class: 'claims'},
        h('thead', {}, h('tr', {}, keys.map(key => h('th', {scope: 'col'}, key)))),
        h('tbody', {}, value.map(item => h('tr', {}, keys.map(key => h('td', {'data-label': key},
          renderClaim(key, item[key]))))))));
    }
    return h('span', {}, value.map(v => JSON.stringify(v)).join(', '));
  }
  if (value && typeof value === 'object') {
    return h('dl', {class: 'pairs'}, Object.entries(value).map(([key, v]) => [h('dt', {}, key),
      h('dd', {}, renderClaim(key, v))]));
  }
  return h('span', {class: 'mono'}, value === null || value === undefined ? '—' : String(value));
}

export function renderDevice(main, endpoint, {feed}) {
  const title = h('h1', {}, 'Device ', h('span', {class: 'mono'}, endpoint));
  const error = h('p', {class: 'error', role: 'alert'});
  const overview = h('section', {class: 'card', 'aria-labelledby': 'overview-title'});
  const verdictSection = h('section', {class: 'card', 'aria-labelledby': 'verdict-title'});
  const instances = h('section', {class: 'card wide', 'aria-labelledby': 'instances-title'});
  const history = h('section', {class: 'card wide', 'aria-labelledby': 'history-title'});
  let detail = null;
  let verifying = false;
  let editing = false;
  let timer = null;
  /** The last answers to "Verify now" and to a write, kept across reloads of the page's data. */
  let verifyMessage = '';
  /** What the instances were drawn from: unchanged data is not redrawn, so focus stays where it was. */
  let drawnInstances = '';
  let writeMessage = '';

  fill(main, h('p', {}, h('a', {href: '#/fleet'}, '← Fleet')), title, error,
    h('div', {class: 'cards'}, overview, verdictSection, instances, history));

  async function load() {
    try {
      detail = await api(`/api/devices/${encodeURIComponent(endpoint)}`);
      error.textContent = '';
      render();
    } catch (e) {
      error.textContent = e.status === 404 ? `No device '${endpoint}' in the inventory.` : describe(e);
    }
  }

  function render() {
    const summary = detail.summary;
    const host = summary.host || {};
    fill(overview, h('h2', {id: 'overview-title'}, 'Overview'),
      h('dl', {class: 'pairs'},
        h('dt', {}, 'Presence'), h('dd', {id: 'presence'}, onlineBadge(summary.online), ' last seen ',
          time(summary.lastSeen)),
        h('dt', {}, 'Compliance'), h('dd', {id: 'compliance'}, stateBadge(summary.state), ' ',
          summary.reason || ''),
        h('dt', {}, 'Host'), h('dd', {}, [host.manufacturer, host.model, host.softwareVersion]
          .filter(Boolean).join(' · ') || 'unknown'),
        h('dt', {}, 'Unique ID'), h('dd', {class: 'mono'}, host.uniqueId || '—'),
        h('dt', {}, 'LwM2M'), h('dd', {}, summary.lwm2mVersion || '—'),
        h('dt', {}, '/3/0/22 links'), h('dd', {id: 'links'}, linksText()),
        detail.collectionError ? [h('dt', {}, 'Last collection'), h('dd', {class: 'error'},
          detail.collectionError)] : null),
      summary.online ? null : h('p', {class: 'warning', id: 'offline-note'},
        'This device is offline: "Verify now" and edits need it online, and will fail until it registers again.'));
    renderVerdict();
    if (!editing) {
      renderInstances();
    }
    renderHistory();
  }

  function linksText() {
    const linked = detail.portfolios.filter(p => p.linkedFromDevice).map(p => `16:${p.instanceId}`);
    if (!detail.extDevInfoPresent) {
      return 'none: the device has no /3/0/22 (flagged)';
    }
    return linked.length > 0 ? linked.join(', ') : 'present, but to no Portfolio instance';
  }

  function renderVerdict() {
    const last = detail.verifications[0] || detail.summary.lastVerification;
    const button = h('button', {type: 'button', id: 'verify', disabled: verifying, onclick: verify},
      verifying ? 'Verifying…' : 'Verify now');
    const claims = decodeClaims(last);
    fill(verdictSection, h('h2', {id: 'verdict-title'}, 'Last verdict'),
      h('div', {class: 'actions'}, button, h('span', {id: 'verify-progress', role: 'status', 'aria-live': 'polite'},
        verifyMessage)),
      last ? h('div', {id: 'verdict'},
        h('p', {}, h('strong', {class: `outcome outcome-${String(last.outcome).toLowerCase()}`}, last.outcome),
          ' ', time(last.at), last.reason ? ` — ${last.reason}` : ''),
        h('dl', {class: 'pairs'},
          h('dt', {}, 'Service'), h('dd', {}, last.service || '—'),
          h('dt', {}, 'Instance'), h('dd', {}, last.instanceId === null ? '—' : `/16/${last.instanceId}`),
          h('dt', {}, 'Counter'), h('dd', {}, last.counter === null ? '—' : String(last.counter))),
        h('h3', {}, 'Claims'),
        claims === null ? h('p', {}, 'No readable claims.') : renderValue(claims))
        : h('p', {id: 'verdict'}, 'No verdict yet.'));
  }

  async function verify() {
    verifying = true;
    const started = Date.now();
    const tick = () => {
      verifyMessage = `Challenging the device… ${Math.round((Date.now() - started) / 1000)} s`;
      renderVerdict();
    };
    tick();
    const ticker = setInterval(tick, 1000);
    try {
      const verdict = await api(`/api/devices/${encodeURIComponent(endpoint)}/verify`,
        {method: 'POST', timeoutMs: DEVICE_TIMEOUT_MS});
      verifyMessage = `Verdict: ${verdict.outcome}${verdict.reason ? ` — ${verdict.reason}` : ''}`;
      detail.verifications = [verdict, ...detail.verifications];
    } catch (e) {
      verifyMessage = describe(e);
    } finally {
      clearInterval(ticker);
      verifying = false;
    }
    renderVerdict();
    document.getElementById('verify').focus();
    load();
  }

  function renderInstances() {
    const portfolios = detail.portfolios;
    const drawing = JSON.stringify([portfolios, writeMessage]);
    if (drawing === drawnInstances) {
      return;
    }
    drawnInstances = drawing;
    fill(instances, h('h2', {id: 'instances-title'}, 'Portfolio instances'),
      h('p', {id: 'write-result', class: 'message ok', role: 'status', 'aria-live': 'polite', tabindex: -1}, writeMessage),
      portfolios.length === 0 ? h('p', {}, 'No Portfolio instance was collected.') : portfolios.map(instanceCard));
  }

  function instanceCard(portfolio) {
    const n = portfolio.instanceId;
    const locked = lockedSeen.has(`${endpoint}/${n}`);
    return h('div', {class: 'instance', id: `instance-${n}`},
      h('h3', {}, `/16/${n}`),
      h('p', {class: 'help'},
        'Owner: ', portfolio.linkedFromDevice ? 'the host device (linked from /3/0/22)' : 'not linked from /3/0/22',
        ' · Lock: ', locked ? h('strong', {}, 'locked (the device refused a write with 4.01)')
          : 'unknown until a write (a locked instance answers 4.01)'),
      h('table', {class: 'identities'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Identity'), h('th', {scope: 'col'}, 'Value'),
          h('th', {scope: 'col'}, h('span', {class: 'visually-hidden'}, 'Edit')))),
        h('tbody', {}, Object.entries(portfolio.identities).map(([id, value]) => identityRow(n, id, value)))));
  }

  function identityRow(n, id, value) {
    const name = IDENTITY_NAMES[id] ? `${id} ${IDENTITY_NAMES[id]}` : id;
    const row = h('tr', {'data-identity': `${n}/${id}`});
    const show = () => fill(row,
      h('th', {scope: 'row'}, name),
      h('td', {class: 'mono'}, value),
      h('td', {}, h('button', {type: 'button', class: 'edit', 'aria-label': `Edit /16/${n}/0/${id} (${name})`,
        onclick: edit}, 'Edit')));
    function edit() {
      editing = true;
      const inputId = `identity-${n}-${id}`;
      const input = h('input', {id: inputId, value, maxlength: MAX_IDENTITY_LENGTH, required: true,
        'aria-describedby': `${inputId}-message`});
      const message = h('p', {id: `${inputId}-message`, class: 'message', role: 'status', 'aria-live': 'polite'});
      const save = h('button', {type: 'submit'}, 'Save');
      const cancel = h('button', {type: 'button', class: 'secondary', onclick: () => {
        editing = false;
        show();
        row.querySelector('button.edit').focus();
      }}, 'Cancel');
      fill(row, h('th', {scope: 'row'}, h('label', {for: inputId}, name)),
        h('td', {colspan: 2}, h('form', {class: 'edit-form', onsubmit: async event => {
          event.preventDefault();
          const newValue = input.value;
          if (!newValue.trim()) {
            message.className = 'message error';
            message.textContent = 'A value is needed: it must not be blank.';
            input.focus();
            return;
          }
          save.disabled = true;
          message.className = 'message';
          message.textContent = `Writing /16/${n}/0/${id} to the device…`;
          try {
            const answer = await api(`/api/devices/${encodeURIComponent(endpoint)}/portfolio/${n}/identity/${id}`,
              {method: 'PUT', json: {value: newValue}, timeoutMs: DEVICE_TIMEOUT_MS});
            writeMessage = `/16/${n}/0/${id}: the device answered ${answer.code}, written.`;
            editing = false;
            await load();
            document.getElementById('write-result').focus();
          } catch (e) {
            message.className = 'message error';
            if (e.body && e.body.deviceCode === 'UNAUTHORIZED') {
              lockedSeen.add(`${endpoint}/${n}`);
              message.textContent = `The device answered 4.01 Unauthorized: /16/${n} is locked by the host device `
                + 'and cannot be written from the server.';
            } else if (e.body && e.body.deviceCode) {
              message.textContent = `The device answered ${e.body.deviceCode}: ${e.message}`;
            } else {
              message.textContent = describe(e);
            }
            save.disabled = false;
            input.focus();
          }
        }}, input, save, cancel, message)));
      input.focus();
    }
    show();
    return row;
  }

  function renderHistory() {
    const changes = detail.history;
    fill(history, h('h2', {id: 'history-title'}, 'Identity history'),
      changes.length === 0 ? h('p', {}, 'No change recorded.') : h('div', {class: 'table-wrap'},
        h('table', {class: 'history'},
          h('thead', {}, h('tr', {}, ['When', 'Identity', 'Before', 'After'].map(t => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, changes.map(change => h('tr', {},
            h('td', {'data-label': 'When'}, time(change.at)),
            h('td', {'data-label': 'Identity', class: 'mono'}, `/16/${change.instanceId}/0/${change.identityId}`),
            h('td', {'data-label': 'Before', class: 'mono'}, change.oldValue === null ? '(none)' : change.oldValue),
            h('td', {'data-label': 'After', class: 'mono'}, change.newValue === null ? '(removed)'
              : change.newValue)))))));
  }

  const unsubscribe = feed.subscribe(event => {
    if (event.endpoint === endpoint && !verifying && !timer) {
      timer = setTimeout(() => {
        timer = null;
        load();
      }, 300);
    }
  });
  load();
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
