// The certifications page: the certified hosts, which devices match each, and the CSV upload that replaces them.

import {api, describe} from './api.js';
import {h, fill} from './dom.js';

/** The devices that report each record's host, counted by the server over the whole fleet. */
async function matchesByRecord() {
  const matches = await api('/api/certifications/matches');
  return new Map(matches.map(m => [key(m), m]));
}

function key(record) {
  return JSON.stringify([record.manufacturer, record.model, record.softwareVersion]);
}

export function renderCertifications(main) {
  const file = h('input', {id: 'csv-file', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'csv-help'});
  const result = h('div', {id: 'upload-result', role: 'status', 'aria-live': 'polite'});
  const upload = h('button', {type: 'submit'}, 'Upload and replace');
  const list = h('section', {class: 'card wide', 'aria-labelledby': 'list-title'});
  const error = h('p', {class: 'error', role: 'alert'});

  fill(main, h('h1', {}, 'Certifications'), error,
    h('div', {class: 'cards'},
      h('section', {class: 'card wide', 'aria-labelledby': 'upload-title'},
        h('h2', {id: 'upload-title'}, 'Upload a certification list'),
        h('form', {id: 'upload-form', onsubmit: async event => {
          event.preventDefault();
          if (!file.files.length) {
            fill(result, h('p', {class: 'error'}, 'Choose a CSV file first.'));
            file.focus();
            return;
          }
          upload.disabled = true;
          fill(result, h('p', {}, 'Uploading…'));
          try {
            const text = await file.files[0].text();
            const answer = await api('/api/certifications', {method: 'PUT', csv: text});
            fill(result, h('p', {class: 'message ok'},
              `Replaced: ${answer.count} record${answer.count === 1 ? '' : 's'}. Every device's state was recomputed.`));
            load();
          } catch (e) {
            const line = e.body && e.body.line;
            fill(result, h('p', {class: 'message error'}, line ? `Line ${line}: ${e.message}` : describe(e)),
              line ? h('p', {class: 'help'}, 'Nothing was changed: fix that line and upload again.') : null);
          } finally {
            upload.disabled = false;
          }
        }},
        h('label', {for: 'csv-file'}, 'CSV file'), file,
        h('p', {id: 'csv-help', class: 'help'}, 'A header line manufacturer,model,software_version, then one certified '
          + 'host a line. It replaces the whole list (admin role).'),
        upload, result)),
      list));

  async function load() {
    try {
      const [certifications, matches] = await Promise.all([api('/api/certifications'), matchesByRecord()]);
      error.textContent = '';
      const rows = certifications.records.map(record => {
        const match = matches.get(key(record)) || {devices: 0, firstEndpoints: []};
        const matchCell = h('td', {'data-label': 'Devices', class: 'matches'},
          h('span', {class: 'count'}, `${match.devices} device${match.devices === 1 ? '' : 's'}`),
          match.devices ? ': ' : '',
          match.firstEndpoints.map((endpoint, index) => [index ? ', ' : '',
            h('a', {href: `#/device/${encodeURIComponent(endpoint)}`}, endpoint)]),
          match.devices > match.firstEndpoints.length ? ' …' : '');
        return h('tr', {},
          h('td', {'data-label': 'Manufacturer'}, record.manufacturer),
          h('td', {'data-label': 'Model'}, record.model),
          h('td', {'data-label': 'Software'}, record.softwareVersion),
          matchCell);
      });
      fill(list, h('h2', {id: 'list-title'}, `Certified hosts (${certifications.records.length})`),
        rows.length === 0 ? h('p', {}, 'The list is empty: every device is UNCERTIFIED.') : h('div', {class: 'table-wrap'},
          h('table', {id: 'certification-table'},
            h('thead', {}, h('tr', {}, ['Manufacturer', 'Model', 'Software', 'Matching devices']
              .map(t => h('th', {scope: 'col'}, t)))),
            h('tbody', {}, rows))),
        h('p', {class: 'help'}, `${certifications.allocatedUniqueIds.length} allocated unique IDs.`));
    } catch (e) {
      error.textContent = describe(e);
    }
  }

  load();
  return () => {};
}
