// Builds elements from data with textContent only: device-supplied text can never become markup.

/** h('a', {href: '#/x', class: 'y'}, 'text', child, [more]) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else if (child instanceof Node) {
      element.appendChild(child);
    } else {
      element.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** "12 s ago", "3 min ago", or the local date and time for older instants. */
export function ago(iso) {
  if (!iso) {
    return 'never';
  }
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) {
    return `${Math.max(seconds, 0)} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  return new Date(iso).toLocaleString();
}

/** A <time> with the instant as its title, for exactness on hover. */
export function time(iso) {
  return iso ? h('time', {datetime: iso, title: new Date(iso).toISOString()}, ago(iso)) : h('span', {}, 'never');
}

export const STATES = ['COMPLIANT', 'UNVERIFIED', 'UNCERTIFIED', 'NO_PORTFOLIO'];

/** The state as a badge whose text says it (colour is only a second cue). */
export function stateBadge(state) {
  return h('span', {class: `badge state-${(state || 'unknown').toLowerCase()}`}, state ? state.replace('_', ' ') : '?');
}

export function onlineBadge(online) {
  return h('span', {class: online ? 'badge online' : 'badge offline'}, online ? 'online' : 'offline');
}
