// Live plots (uPlot): one chart per metric, one line per domain, the last two
// minutes of the once-a-second metrics messages.
import uPlot from '../vendor/uPlot.js';
import { fmtRate } from './ui.js';

const WINDOW = 120; // samples (seconds)
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const rate = (a, b) => (a === null || a === undefined ? null : a + (b || 0));
const METRICS = [
  { id: 'cpu', title: 'CPU (%)', get: (m) => m.cpu_pct, fmt: (v) => `${v.toFixed(1)} %` },
  { id: 'mem', title: 'Memory (MiB)', get: (m) => m.mem_kib / 1024, fmt: (v) => `${v.toFixed(0)} MiB` },
  { id: 'hypercalls', title: 'Hypercalls/s', get: (m) => m.hypercalls_per_s, fmt: (v) => v.toFixed(0) },
  { id: 'events', title: 'Events/s', get: (m) => m.events_per_s, fmt: (v) => v.toFixed(0) },
  { id: 'disk', title: 'Disk (read + write)', get: (m) => rate(m.disk_read_Bps, m.disk_write_Bps), fmt: fmtRate },
  { id: 'net', title: 'Network (rx + tx)', get: (m) => rate(m.net_rx_Bps, m.net_tx_Bps), fmt: fmtRate },
];

export class Plots {
  constructor(container) {
    this.container = container;
    this.times = [];
    this.series = new Map(); // domid -> { name, values: {metricId: []} }
    this.charts = [];
    this.key = '';
    this.boxes = METRICS.map((m) => {
      const box = document.createElement('div');
      box.className = 'plot';
      box.dataset.metric = m.id;
      container.append(box);
      return box;
    });
    window.addEventListener('resize', () => this.resize());
  }

  add(msg) {
    this.times.push(msg.time);
    const seen = new Set();
    for (const m of msg.domains) {
      let s = this.series.get(m.domid);
      if (!s) { // nulls for the samples before it appeared
        const pad = () => new Array(this.times.length - 1).fill(null);
        s = { name: m.name, values: Object.fromEntries(METRICS.map((x) => [x.id, pad()])) };
        this.series.set(m.domid, s);
      }
      s.name = m.name;
      for (const x of METRICS) s.values[x.id].push(x.get(m) ?? null);
      seen.add(m.domid);
    }
    for (const [domid, s] of this.series) {
      if (!seen.has(domid)) for (const x of METRICS) s.values[x.id].push(null);
    }
    if (this.times.length > WINDOW) {
      this.times.shift();
      for (const s of this.series.values()) for (const x of METRICS) s.values[x.id].shift();
    }
    for (const [domid, s] of this.series) {
      if (s.values.cpu.every((v) => v === null)) this.series.delete(domid);
    }
    this.draw();
  }

  draw() {
    const ids = [...this.series.keys()].sort((a, b) => a - b);
    const key = ids.map((id) => `${id}:${this.series.get(id).name}`).join(',');
    if (key !== this.key) this.rebuild(ids, key);
    // at least a minute wide: from one sample alone uPlot's time axis spans years
    const last = this.times[this.times.length - 1];
    const min = Math.min(this.times[0], last - 60);
    METRICS.forEach((x, i) => {
      const c = this.charts[i];
      c.batch(() => {
        c.setData([this.times, ...ids.map((id) => this.series.get(id).values[x.id])]);
        c.setScale('x', { min, max: last });
      });
    });
  }

  rebuild(ids, key) {
    this.key = key;
    for (const c of this.charts) c.destroy();
    this.charts = METRICS.map((x, i) => new uPlot({
      title: x.title,
      width: this.width(),
      height: 160,
      scales: { x: { time: true } },
      axes: [{}, { size: 70, values: (u, vals) => vals.map((v) => (v === null ? '' : x.fmt(v))) }],
      series: [{}, ...ids.map((id, k) => ({
        label: this.series.get(id).name,
        stroke: COLORS[k % COLORS.length],
        width: 1.5,
        spanGaps: false,
        value: (u, v) => (v === null ? '-' : x.fmt(v)),
      }))],
    }, [this.times, ...ids.map(() => this.times.map(() => null))], this.boxes[i]));
  }

  width() {
    const w = this.container.clientWidth;
    return Math.max(280, Math.floor(w >= 900 ? w / 2 - 16 : w - 8));
  }

  resize() {
    for (const c of this.charts) c.setSize({ width: this.width(), height: 160 });
  }
}
