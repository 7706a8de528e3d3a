// The fleet page: the device list by cursor (fast at any depth), search, state filter, sorting of the whole
// list by the server, and rows that follow /api/events without a reload.

import {api, describe} from './api.js';
import {h, fill, time, stateBadge, onlineBadge, STATES} from './dom.js';

const PAGE_SIZE = 50;
const REFRESH_AT_MOST_EVERY_MS = 1000;

// sort: the API's ?sort= for the column; the compliance state has none (the state filter picks one state).
const COLUMNS = [
  {key: 'endpoint', label: 'Endpoint', sort: 'endpoint'},
  {key: 'manufacturer', label: 'Manufacturer', sort: 'manufacturer'},
  {key: 'model', label: 'Model', sort: 'model'},
  {key: 'software', label: 'Software', sort: 'softwareVersion'},
  {key: 'uniqueId', label: 'Unique ID', sort: 'uniqueId'},
  {key: 'lastSeen', label: 'Last seen', sort: 'lastSeen'},
  {key: 'online', label: 'Online', sort: 'online'},
  {key: 'verdict', label: 'Verdict', sort: 'verdict'},
  {key: 'state', label: 'Compliance', sort: null},
];

/** The filter, page and sort, kept while the console is open so that "back" from a device restores them. */
const view = {q: '', state: '', cursors: [null], sort: 'endpoint', descending: false};

function host(device) {
  return device.host || {};
}

export function renderFleet(main, {feed}) {
  let items = [];
  let total = null;
  let next = null;
  let refreshing = false;
  let dirty = false;
  let lastRefresh = 0;
  let timer = null;

  const search = h('input', {id: 'fleet-search', type: 'search', value: view.q, autocomplete: 'off',
    placeholder: 'endpoint, manufacturer, model, ID…'});
  const stateSelect = h('select', {id: 'fleet-state'},
    h('option', {value: ''}, 'All states'),
    STATES.map(state => h('option', {value: state, selected: state === view.state}, state.replace('_', ' '))));
  const status = h('p', {class: 'status', role: 'status', 'aria-live': 'polite'});
  const error = h('p', {class: 'error', role: 'alert'});
  const tbody = h('tbody');
  const headRow = h('tr');
  const previous = h('button', {type: 'button', onclick: () => go(-1)}, '← Previous');
  const nextButton = h('button', {type: 'button', onclick: () => go(1)}, 'Next →');
  const range = h('span', {class: 'range'});

  fill(main,
    h('h1', {}, 'Fleet'),
    h('form', {class: 'filters', role: 'search', onsubmit: event => {
      event.preventDefault();
      changeFilter();
    }},
    h('div', {class: 'field'}, h('label', {for: 'fleet-search'}, 'Search'), search),
    h('div', {class: 'field'}, h('label', {for: 'fleet-state'}, 'Compliance state'), stateSelect)),
    error,
    h('div', {class: 'table-wrap'},
      h('table', {class: 'fleet', id: 'fleet-table'},
        h('caption', {class: 'visually-hidden'}, 'Devices, one per row; column buttons sort the whole list'),
        h('thead', {}, headRow), tbody)),
    h('nav', {class: 'pager', 'aria-label': 'Fleet pages'}, previous, range, nextButton),
    status);

  let debounce = null;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(changeFilter, 300);
  });
  stateSelect.addEventListener('change', changeFilter);

  function changeFilter() {
    view.q = search.value.trim();
    view.state = stateSelect.value;
    view.cursors = [null];
    total = null;
    load();
  }

  function go(step) {
    if (step > 0 && next) {
      view.cursors.push(next);
    } else if (step < 0 && view.cursors.length > 1) {
      view.cursors.pop();
    } else {
      return;
    }
    load();
  }

  async function load() {
    refreshing = true;
    dirty = false;
    lastRefresh = Date.now();
    const params = new URLSearchParams({limit: PAGE_SIZE});
    const after = view.cursors[view.cursors.length - 1];
    if (after !== null) {
      params.set('after', after);
    }
    if (view.q) {
      params.set('q', view.q);
    }
    if (view.state) {
      params.set('state', view.state);
    }
    if (view.sort !== 'endpoint' || view.descending) {
      params.set('sort', view.sort);
      params.set('order', view.descending ? 'desc' : 'asc');
    }
    if (total === null) {
      params.set('total', 'true');
    }
    try {
      const page = await api(`/api/devices?${params}`);
      items = page.items;
      next = page.next;
      if (page.total !== null && page.total !== undefined) {
        total = page.total;
      }
      error.textContent = '';
      render();
    } catch (e) {
      error.textContent = describe(e);
    } finally {
      refreshing = false;
      if (dirty) {
        scheduleRefresh();
      }
    }
  }

  /** Reloads the page shown at most once a second however many events come. */
  function scheduleRefresh() {
    if (refreshing) {
      dirty = true;
      return;
    }
    if (timer) {
      return;
    }
    const wait = Math.max(0, lastRefresh + REFRESH_AT_MOST_EVERY_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      load();
    }, wait);
  }

  function renderHead() {
    fill(headRow, COLUMNS.map(column => {
      if (!column.sort) {
        return h('th', {scope: 'col', title: 'Filter by state to see one state'}, column.label);
      }
      const sorted = view.sort === column.sort;
      return h('th', {scope: 'col', 'aria-sort': sorted ? (view.descending ? 'descending' : 'ascending') : 'none'},
        h('button', {type: 'button', class: 'sort', 'data-sort': column.key, onclick: () => {
          view.descending = sorted ? !view.descending : false;
          view.sort = column.sort;
          view.cursors = [null];
          load();
        }}, column.label, h('span', {'aria-hidden': 'true'}, sorted ? (view.descending ? ' ▼' : ' ▲') : '')));
    }));
  }

  function render() {
    renderHead();
    const existing = new Map([...tbody.rows].map(row => [row.dataset.endpoint, row]));
    const rows = items.map(device => {
      const signature = JSON.stringify(device);
      let row = existing.get(device.endpoint);
      if (!row) {
        row = h('tr', {'data-endpoint': device.endpoint});
      }
      if (row.dataset.signature !== signature) {
        row.dataset.signature = signature;
        fill(row, cells(device));
      }
      return row;
    });
    tbody.replaceChildren(...rows);
    if (rows.length === 0) {
      tbody.appendChild(h('tr', {}, h('td', {colspan: COLUMNS.length, class: 'empty'},
        view.q || view.state ? 'No device matches this search.' : 'No device has registered yet.')));
    }
    const first = (view.cursors.length - 1) * PAGE_SIZE;
    range.textContent = items.length === 0 ? '' : `${first + 1}–${first + items.length}`
      + (total === null ? '' : ` of ${total}`);
    previous.disabled = view.cursors.length <= 1;
    nextButton.disabled = !next;
    status.textContent = total === null ? '' : `${total} device${total === 1 ? '' : 's'}`
      + (view.q || view.state ? ' match' : ' in the fleet');
  }

  function cells(device) {
    const hostView = host(device);
    const verdict = device.lastVerification;
    return [
      h('td', {'data-label': 'Endpoint'},
        h('a', {href: `#/device/${encodeURIComponent(device.endpoint)}`, class: 'endpoint'}, device.endpoint)),
      h('td', {'data-label': 'Manufacturer'}, hostView.manufacturer || '—'),
      h('td', {'data-label': 'Model'}, hostView.model || '—'),
      h('td', {'data-label': 'Software'}, hostView.softwareVersion || '—'),
      h('td', {'data-label': 'Unique ID', class: 'mono'}, hostView.uniqueId || '—'),
      h('td', {'data-label': 'Last seen'}, time(device.lastSeen)),
      h('td', {'data-label': 'Online'}, onlineBadge(device.online)),
      h('td', {'data-label': 'Verdict'}, verdict
        ? h('span', {title: verdict.reason || ''}, verdict.outcome, ' ', h('small', {}, time(verdict.at)))
        : 'none yet'),
      h('td', {'data-label': 'Compliance', class: 'state-cell'}, stateBadge(device.state),
        device.reason ? h('small', {class: 'reason'}, device.reason) : null),
    ];
  }

  const unsubscribe = feed.subscribe(scheduleRefresh);
  renderHead();
  load();
  return () => {
    unsubscribe();
    clearTimeout(timer);
    clearTimeout(debounce);
  };
}
