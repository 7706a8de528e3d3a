// The summary page: devices per compliance state, and registrations and verdicts per minute over the last hour,
// as hand-drawn SVG charts with the same figures as text.

import {api, describe} from './api.js';
import {h, fill, STATES} from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  children.forEach(child => element.appendChild(typeof child === 'string' ? document.createTextNode(child) : child));
  return element;
}

/** Horizontal bars, one per state, each labelled with its count. */
function stateChart(counts, total) {
  const width = 600;
  const barHeight = 34;
  const labelWidth = 130;
  const max = Math.max(1, ...STATES.map(state => counts[state] || 0));
  const chart = svg('svg', {viewBox: `0 0 ${width} ${STATES.length * barHeight + 10}`, class: 'chart', role: 'img',
    'aria-label': STATES.map(state => `${state}: ${counts[state] || 0}`).join(', ')});
  STATES.forEach((state, index) => {
    const count = counts[state] || 0;
    const y = index * barHeight + 5;
    const barWidth = Math.round((width - labelWidth - 70) * count / max);
    chart.appendChild(svg('text', {x: labelWidth - 8, y: y + 20, 'text-anchor': 'end', class: 'axis'},
      state.replace('_', ' ')));
    chart.appendChild(svg('rect', {x: labelWidth, y, width: Math.max(barWidth, 1), height: barHeight - 10,
      class: `bar state-${state.toLowerCase()}`}));
    chart.appendChild(svg('text', {x: labelWidth + barWidth + 6, y: y + 20, class: 'value'},
      `${count}${total ? ` (${Math.round(100 * count / total)} %)` : ''}`));
  });
  return chart;
}

/** Sixty minutes of registrations (left bar) and verdicts (right bar). */
function activityChart(minutes) {
  const width = 600;
  const height = 180;
  const bottom = height - 22;
  const max = Math.max(1, ...minutes.map(m => Math.max(m.registrations, m.verdicts)));
  const step = (width - 40) / minutes.length;
  const chart = svg('svg', {viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
    'aria-label': 'Registrations and verdicts per minute over the last hour'});
  chart.appendChild(svg('line', {x1: 30, y1: bottom, x2: width, y2: bottom, class: 'axis-line'}));
  chart.appendChild(svg('text', {x: 26, y: 12, 'text-anchor': 'end', class: 'axis'}, String(max)));
  chart.appendChild(svg('text', {x: 26, y: bottom, 'text-anchor': 'end', class: 'axis'}, '0'));
  minutes.forEach((minute, index) => {
    const x = 32 + index * step;
    const half = Math.max(step / 2 - 0.5, 0.5);
    const r = (bottom - 16) * minute.registrations / max;
    const v = (bottom - 16) * minute.verdicts / max;
    if (r > 0) {
      chart.appendChild(svg('rect', {x, y: bottom - r, width: half, height: r, class: 'bar registrations'},
        svg('title', {}, `${new Date(minute.start).toLocaleTimeString()}: ${minute.registrations} registrations`)));
    }
    if (v > 0) {
      chart.appendChild(svg('rect', {x: x + half, y: bottom - v, width: half, height: v, class: 'bar verdicts'},
        svg('title', {}, `${new Date(minute.start).toLocaleTimeString()}: ${minute.verdicts} verdicts`)));
    }
  });
  chart.appendChild(svg('text', {x: 32, y: height - 4, class: 'axis'}, '60 min ago'));
  chart.appendChild(svg('text', {x: width, y: height - 4, 'text-anchor': 'end', class: 'axis'}, 'now'));
  return chart;
}

export function renderSummary(main, {feed}) {
  const states = h('section', {class: 'card', 'aria-labelledby': 'states-title'});
  const activity = h('section', {class: 'card', 'aria-labelledby': 'activity-title'});
  const error = h('p', {class: 'error', role: 'alert'});
  fill(main, h('h1', {}, 'Summary'), error, h('div', {class: 'cards'}, states, activity));
  let timer = null;

  async function load() {
    try {
      const [compliance, lastHour] = await Promise.all([api('/api/compliance'), api('/api/activity')]);
      error.textContent = '';
      fill(states, h('h2', {id: 'states-title'}, `Compliance of ${compliance.total} devices`),
        stateChart(compliance.counts, compliance.total),
        h('ul', {class: 'legend', id: 'state-counts'}, STATES.map(state => h('li', {'data-state': state},
          `${state.replace('_', ' ')}: ${compliance.counts[state] || 0}`))));
      fill(activity, h('h2', {id: 'activity-title'}, 'Last hour'),
        h('p', {id: 'activity-totals'}, h('span', {class: 'key registrations'}, ''),
          ` ${lastHour.registrations} registrations  `, h('span', {class: 'key verdicts'}, ''),
          ` ${lastHour.verdicts} verdicts`),
        activityChart(lastHour.minutes),
        h('p', {class: 'help'}, 'Counted by the server since it started, per minute.'));
    } catch (e) {
      error.textContent = describe(e);
    }
  }

  const unsubscribe = feed.subscribe(() => {
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        load();
      }, 2000);
    }
  });
  load();
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
