// Calls to the REST API with the console's token; every failure becomes an ApiError with a message for people.

const TOKEN_KEY = 'portfolio.console.token';
const DEFAULT_TIMEOUT_MS = 15000;

export class ApiError extends Error {
  /** status 0: no answer (unreachable or timed out) */
  constructor(status, message, body = {}) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** The token of this browser tab: sessionStorage, so it goes away with the tab and is never in a URL. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Listeners told when the server refuses the token (401): the console then asks for a new one. */
const unauthorizedListeners = [];

export function onUnauthorized(listener) {
  unauthorizedListeners.push(listener);
}

export function unauthorized(reason) {
  unauthorizedListeners.forEach(listener => listener(reason));
}

/**
 * A JSON call. options: method, json (a body to send as JSON), csv (text to send as text/csv),
 * timeoutMs, anonymous (no token: the login exchange), token (this one rather than the saved one: a login).
 */
export async function api(path, options = {}) {
  const headers = {Accept: 'application/json'};
  let body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.csv !== undefined) {
    headers['Content-Type'] = 'text/csv';
    body = options.csv;
  }
  const presented = options.token || token();
  if (!options.anonymous && presented) {
    headers.Authorization = `Bearer ${presented}`;
  }
  const timeoutMs = options.timeoutMs || DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(path, {method: options.method || 'GET', headers, body, signal: controller.signal,
      cache: 'no-store'});
  } catch (e) {
    if (e.name === 'AbortError') {
      throw new ApiError(0, `The request timed out: no answer from the server within ${timeoutMs / 1000} s.`);
    }
    throw new ApiError(0, 'The server is unreachable: check that the Portfolio server is running and that '
      + 'this address is right, then retry.');
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let data = {};
  if (text && (response.headers.get('Content-Type') || '').includes('json')) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = {};
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !options.anonymous && !options.token) {
      unauthorized(data.error);
    }
    throw new ApiError(response.status, data.error || `The server answered HTTP ${response.status}.`, data);
  }
  return data;
}

/** The message to show for a failure of any kind. */
export function describe(error) {
  if (error instanceof ApiError) {
    if (error.status === 504) {
      return `Timed out: ${error.message}`;
    }
    return error.message;
  }
  return `Unexpected error: ${error.message}`;
}
