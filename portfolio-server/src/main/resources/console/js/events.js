// The server-sent events of /api/events, read with fetch: EventSource cannot send the Authorization header
// the API requires, and a token in the URL would end up in logs and history. Reconnects on its own.

import {token, unauthorized} from './api.js';

const RETRY_MS = [1000, 2000, 5000, 10000];

export class EventFeed {
  constructor() {
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.controller = null;
    this.failures = 0;
    this.status = 'off';
  }

  /** listener(event) with event = {at, type, endpoint, detail}; returns a function that unsubscribes. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener) {
    this.statusListeners.add(listener);
    listener(this.status);
  }

  start() {
    if (this.controller) {
      return;
    }
    this.controller = new AbortController();
    this.run(this.controller);
  }

  stop() {
    if (this.controller) {
      this.controller.abort();
      this.controller = null;
    }
    this.setStatus('off');
  }

  setStatus(status) {
    this.status = status;
    this.statusListeners.forEach(listener => listener(status));
  }

  async run(controller) {
    while (!controller.signal.aborted) {
      try {
        this.setStatus('connecting');
        const response = await fetch('/api/events', {
          headers: {Accept: 'text/event-stream', Authorization: `Bearer ${token()}`},
          signal: controller.signal, cache: 'no-store'});
        if (response.status === 401) {
          // a revoked token: retrying would only count as more wrong tokens from this address
          unauthorized('the server no longer accepts this token');
          return;
        }
        if (!response.ok) {
          throw new Error(`HTTP ${response.status}`);
        }
        this.setStatus('live');
        this.failures = 0;
        await this.read(response.body.getReader());
      } catch (e) {
        if (controller.signal.aborted) {
          return;
        }
      }
      this.setStatus('reconnecting');
      const wait = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)];
      await new Promise(resolve => setTimeout(resolve, wait));
    }
  }

  /** Parses the text/event-stream format: "event:" and "data:" lines, a blank line ends an event. */
  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    let type = 'message';
    let data = [];
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, {stream: true});
      let newline;
      while ((newline = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1);
        if (line === '') {
          if (data.length > 0) {
            this.dispatch(type, data.join('\n'));
          }
          type = 'message';
          data = [];
        } else if (line.startsWith('event:')) {
          type = line.slice(6).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
      }
    }
  }

  dispatch(type, data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch (e) {
      return;
    }
    event.type = event.type || type;
    this.listeners.forEach(listener => listener(event));
  }
}
