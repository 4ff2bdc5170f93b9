// A guest's console in the page: xterm.js over the pvx-console WebSocket.
// Text messages from pvxweb are status ({"type": "attached" | "waiting" |
// "error" | "detached"}); binary ones are the console's bytes.
import { Terminal } from '../vendor/xterm.js';
import { FitAddon } from '../vendor/addon-fit.js';
import { wsUrl } from './api.js';
import { showError } from './ui.js';

export class ConsoleView {
  constructor() {
    this.panel = document.getElementById('console-panel');
    this.status = document.getElementById('console-status');
    document.getElementById('console-close').addEventListener('click', () => this.close());
    window.addEventListener('resize', () => this.fit && this.fit.fit());
  }

  open(d) {
    this.close();
    this.panel.hidden = false;
    this.panel.dataset.domid = d.domid;
    this.panel.dataset.state = 'connecting';
    document.getElementById('console-name').textContent = `${d.name} (id ${d.domid})`;
    this.setStatus('connecting\u2026');
    this.term = new Terminal({ convertEol: true, cursorBlink: true, fontSize: 13, scrollback: 2000 });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    this.term.open(document.getElementById('terminal'));
    this.fit.fit();
    const ws = new WebSocket(wsUrl(`domains/${d.domid}/console`), 'pvx-console');
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (ev) => this.message(ev.data);
    ws.onclose = (ev) => {
      if (this.ws === ws && this.panel.dataset.state !== 'error') {
        this.panel.dataset.state = 'closed';
        this.setStatus(ev.code === 1000 ? this.status.textContent : `closed (${ev.code})`);
      }
    };
    const enc = new TextEncoder();
    this.term.onData((s) => { if (ws.readyState === WebSocket.OPEN) ws.send(enc.encode(s)); });
    this.ws = ws;
    this.term.focus();
  }

  message(data) {
    if (typeof data !== 'string') {
      this.term.write(new Uint8Array(data));
      return;
    }
    const m = JSON.parse(data);
    if (m.type === 'attached') {
      this.panel.dataset.state = 'attached';
      this.setStatus(`attached to ${m.name} (dom0 pty ${m.tty}); press Enter for a prompt`);
    } else if (m.type === 'waiting') {
      this.setStatus(m.message);
    } else if (m.type === 'detached') {
      this.panel.dataset.state = 'detached';
      this.setStatus(m.message);
    } else if (m.type === 'error') {
      this.panel.dataset.state = 'error';
      this.setStatus(m.message);
      showError(m.message);
    }
  }

  setStatus(text) {
    this.status.textContent = text;
  }

  close() {
    if (this.ws) { const ws = this.ws; this.ws = null; ws.close(); }
    if (this.term) { this.term.dispose(); this.term = null; this.fit = null; }
    document.getElementById('terminal').replaceChildren();
    this.panel.hidden = true;
  }
}
