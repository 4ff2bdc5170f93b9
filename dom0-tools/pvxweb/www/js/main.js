// The page: host facts, the domain table, the create form, the live stream
// (pvx-events WebSocket, reconnecting), plots and the console.
import { api, token, wsUrl } from './api.js';
import { ConsoleView } from './console.js';
import { DomainTable } from './domains.js';
import { Plots } from './plots.js';
import { showError } from './ui.js';

const consoleView = new ConsoleView();
const table = new DomainTable((d) => consoleView.open(d));
const plots = new Plots(document.getElementById('plots'));
const conn = document.getElementById('conn');

function setConn(cls, text) {
  conn.className = `conn ${cls}`;
  conn.textContent = text;
}

async function loadHost() {
  try {
    const h = await api('GET', 'host');
    document.getElementById('host').textContent =
      `${h.host} \u2014 ${h.nr_cpus} CPUs, ${h.free_memory_mib} of ${h.total_memory_mib} MiB free, ` +
      `pvisor ${h.xen_version}`;
    document.title = `pvisor \u2014 ${h.host}`;
  } catch (e) {
    showError(e.message);
  }
}

async function loadTemplates() {
  const sel = document.getElementById('create-template');
  sel.replaceChildren(new Option('(none: use the config below)', ''));
  try {
    const t = await api('GET', 'templates');
    for (const name of t.templates) sel.append(new Option(name, name));
    if (t.templates.length) sel.value = t.templates[0];
  } catch (e) {
    showError(e.message);
  }
}

async function create(ev) {
  ev.preventDefault();
  const body = {};
  const tmpl = document.getElementById('create-template').value;
  const config = document.getElementById('create-config').value;
  const ov = document.getElementById('create-overrides').value.split('\n').map((s) => s.trim()).filter(Boolean);
  if (config.trim()) body.config = config; else if (tmpl) body.template = tmpl;
  if (ov.length) body.overrides = ov;
  body.paused = document.getElementById('create-paused').checked;
  try {
    const r = await api('POST', 'domains', body);
    for (const w of r.warnings) showError(`pvx: warning: ${w}`);
  } catch (e) {
    showError(e.message);
  }
}

let retry = 1000;
function connectEvents() {
  const ws = new WebSocket(wsUrl('events'), 'pvx-events');
  ws.onopen = () => { retry = 1000; setConn('conn-ok', 'live'); };
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    if (m.type === 'snapshot') table.snapshot(m.domains);
    else if (m.type === 'domain') table.update(m.event, m.domain);
    else if (m.type === 'metrics') { table.setMetrics(m.domains); plots.add(m); }
    else if (m.type === 'hypervisor') setConn(m.up ? 'conn-ok' : 'conn-bad', m.up ? 'live' : 'pvisor is not running');
    else if (m.type === 'error') { showError(m.message); }
  };
  ws.onclose = (ev) => {
    if (ev.code === 4401) {
      setConn('conn-bad', 'not authorized');
      return; // a wrong token does not get better by retrying
    }
    setConn('conn-bad', 'disconnected; retrying');
    setTimeout(connectEvents, retry);
    retry = Math.min(retry * 2, 8000);
  };
}

document.getElementById('create-form').addEventListener('submit', create);
if (!token) {
  setConn('conn-bad', 'no access token');
  showError("pvx: no access token: open the URL that 'pvx web' prints");
} else {
  loadHost();
  loadTemplates();
  connectEvents();
}
