// The domain table: one row per domain with its state, memory, vCPUs, CPU use
// and the lifecycle buttons (each asks for confirmation first).
import { api } from './api.js';
import { confirmAction, el, showError } from './ui.js';

const ACTIONS = {
  pause: { label: 'Pause', text: (d) => `Pause ${d.name} (id ${d.domid})? Its vCPUs stop until you unpause it.` },
  unpause: { label: 'Unpause', text: (d) => `Unpause ${d.name} (id ${d.domid})? Its vCPUs run again.` },
  shutdown: { label: 'Shut down', text: (d) => `Shut down ${d.name} (id ${d.domid})? The guest is asked to power off.` },
  reboot: { label: 'Reboot', text: (d) => `Reboot ${d.name} (id ${d.domid})? The guest is asked to reboot.` },
  destroy: { label: 'Destroy', text: (d) => `Destroy ${d.name} (id ${d.domid})? It is killed at once; what it has not saved is lost.` },
};

// Which buttons a state offers (as xl would accept them).
function actionsFor(d) {
  switch (d.state) {
    case 'running': case 'blocked': return ['pause', 'shutdown', 'reboot', 'destroy'];
    case 'paused': case 'created': return ['unpause', 'destroy'];
    case 'shutdown': case 'crashed': return ['destroy'];
    default: return [];
  }
}

const hasConsole = (d) => ['running', 'blocked', 'paused', 'created'].includes(d.state);

export class DomainTable {
  constructor(onConsole) {
    this.body = document.querySelector('#domains tbody');
    this.empty = document.getElementById('no-domains');
    this.domains = new Map();
    this.metrics = new Map();
    this.onConsole = onConsole;
  }

  snapshot(list) {
    this.domains = new Map(list.map((d) => [d.domid, d]));
    this.render();
  }

  update(event, d) {
    if (event === 'removed') {
      this.domains.delete(d.domid);
      this.metrics.delete(d.domid);
    } else {
      this.domains.set(d.domid, d);
    }
    this.render();
  }

  setMetrics(list) {
    for (const m of list) {
      this.metrics.set(m.domid, m);
      const d = this.domains.get(m.domid);
      if (d) { d.cpu_time_ns = m.cpu_time_ns; d.mem_kib = m.mem_kib; }
    }
    this.render();
  }

  async act(action, d) {
    const a = ACTIONS[action];
    if (!(await confirmAction(a.text(d), a.label))) return;
    try {
      await api('POST', `domains/${d.domid}/${action}`, {});
    } catch (e) {
      showError(e.message);
    }
  }

  // Rows are updated in place (a button must not be replaced under the pointer);
  // the buttons are rebuilt only when the state changes.
  makeRow(d) {
    const tr = el('tr');
    tr.dataset.domid = d.domid;
    const cells = {};
    for (const k of ['name', 'domid', 'state', 'mem', 'vcpus', 'cpu', 'time', 'actions']) {
      cells[k] = el('td', { className: `col-${k}` });
      tr.append(cells[k]);
    }
    return { tr, cells, state: null };
  }

  buttons(d, td) {
    const list = [];
    for (const action of actionsFor(d)) {
      const b = el('button', { type: 'button', textContent: ACTIONS[action].label, className: action === 'destroy' ? 'small danger' : 'small' });
      b.dataset.action = action;
      b.addEventListener('click', () => this.act(action, this.domains.get(d.domid) || d));
      list.push(b);
    }
    if (hasConsole(d)) {
      const b = el('button', { type: 'button', textContent: 'Console', className: 'small' });
      b.dataset.action = 'console';
      b.addEventListener('click', () => this.onConsole(this.domains.get(d.domid) || d));
      list.push(b);
    }
    td.replaceChildren(...list);
  }

  fill(r, d) {
    const m = this.metrics.get(d.domid);
    const c = r.cells;
    r.tr.dataset.name = d.name;
    r.tr.dataset.state = d.state;
    c.name.textContent = d.name;
    c.domid.textContent = d.domid;
    c.state.replaceChildren(`${d.state} `, el('code', { textContent: d.letters }));
    c.state.className = `col-state state-${d.state}`;
    c.state.title = d.crash_reason || '';
    c.mem.textContent = (d.mem_kib / 1024).toFixed(0);
    c.vcpus.textContent = d.vcpus;
    c.cpu.textContent = m ? m.cpu_pct.toFixed(1) : '-';
    c.time.textContent = (d.cpu_time_ns / 1e9).toFixed(1);
    if (r.state !== d.state) {
      this.buttons(d, c.actions);
      r.state = d.state;
    }
  }

  render() {
    this.rows = this.rows || new Map();
    for (const [domid, r] of this.rows) {
      if (!this.domains.has(domid)) { r.tr.remove(); this.rows.delete(domid); }
    }
    const sorted = [...this.domains.values()].sort((a, b) => a.domid - b.domid);
    let prev = null;
    for (const d of sorted) {
      let r = this.rows.get(d.domid);
      if (!r) { r = this.makeRow(d); this.rows.set(d.domid, r); }
      this.fill(r, d);
      const want = prev ? prev.nextSibling : this.body.firstChild;
      if (want !== r.tr) this.body.insertBefore(r.tr, want);
      prev = r.tr;
    }
    this.empty.hidden = sorted.length > 0;
  }
}
