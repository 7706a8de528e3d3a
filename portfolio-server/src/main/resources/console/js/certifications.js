// The certifications page: the certified hosts, which devices match each, and the CSV upload that replaces them.

import {api, describe} from './api.js';
import {h, fill} from './dom.js';

/** How many devices to look through per record for its matches; past that the count is a lower bound. */
const MATCH_SCAN_LIMIT = 1000;
const MATCHES_LISTED = 10;

/** The devices whose host is exactly this record (search by model, then compare the three fields). */
async function matchingDevices(record) {
  const matches = [];
  let after = null;
  let scanned = 0;
  for (;;) {
    const params = new URLSearchParams({q: record.model, limit: 200});
    if (after) {
      params.set('after', after);
    }
    const page = await api(`/api/devices?${params}`);
    for (const device of page.items) {
      const host = device.host || {};
      if ((host.manufacturer || '').trim() === record.manufacturer && (host.model || '').trim() === record.model
        && (host.softwareVersion || '').trim() === record.softwareVersion) {
        matches.push(device.endpoint);
      }
    }
    scanned += page.items.length;
    if (!page.next || scanned >= MATCH_SCAN_LIMIT) {
      return {endpoints: matches, complete: !page.next};
    }
    after = page.next;
  }
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
      const certifications = await api('/api/certifications');
      error.textContent = '';
      const rows = certifications.records.map(record => {
        const matchCell = h('td', {'data-label': 'Devices', class: 'matches'}, 'counting…');
        matchingDevices(record).then(({endpoints, complete}) => fill(matchCell,
          h('span', {class: 'count'}, `${endpoints.length}${complete ? '' : '+'} device${endpoints.length === 1 ? ''
            : 's'}`),
          endpoints.length ? ': ' : '',
          endpoints.slice(0, MATCHES_LISTED).map((endpoint, index) => [index ? ', ' : '',
            h('a', {href: `#/device/${encodeURIComponent(endpoint)}`}, endpoint)]),
          endpoints.length > MATCHES_LISTED ? ' …' : '')).catch(e => fill(matchCell, describe(e)));
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
