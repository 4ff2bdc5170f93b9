// The browser console in a real browser: Debian's chromium, headless, driven by
// playwright-core. Given the URL `pvx web` printed and two running shell guests,
// it checks the page lists both, pauses one through its button and the
// confirmation dialog and sees the state change, and types `echo` into the other
// guest's console and sees the answer. Screenshots go to $SHOTS.
//
// env: PVX_URL (with #token=...), GUEST_A, GUEST_B, SHOTS, NPM_DIR, CHROMIUM
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require(path.resolve(process.env.NPM_DIR, 'node_modules', 'playwright-core'));

const A = process.env.GUEST_A;
const B = process.env.GUEST_B;
const SHOTS = process.env.SHOTS;
const T = 30000; // a generous deadline: the machine is shared

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function ok(msg) { console.log(`ok: ${msg}`); }

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
  ok(`screenshot ${name}`);
}

const row = (name) => `#domains tbody tr[data-name="${name}"]`;

async function listsBoth(page) {
  for (const g of [A, B]) {
    await page.waitForSelector(`${row(g)}[data-state="running"], ${row(g)}[data-state="blocked"]`, { timeout: T });
  }
  ok(`the page lists ${A} and ${B} as running`);
  // the plots fill once two metrics messages came (a second apart)
  await page.waitForFunction(() => document.querySelectorAll('#plots canvas').length >= 6, null, { timeout: T });
  await page.waitForFunction((n) => [...document.querySelectorAll('#plots .u-legend .u-series th')]
    .some((th) => th.textContent.includes(n)), A, { timeout: T });
  ok('six live plots with a line per domain');
}

async function pauseA(page) {
  await page.click(`${row(A)} button[data-action="pause"]`);
  await page.waitForSelector('#confirm[open]', { timeout: T });
  const text = await page.textContent('#confirm-text');
  if (!text.includes(`Pause ${A}`)) throw new Error(`confirmation says: ${text}`);
  await shot(page, 'web-confirm-pause.png');
  await page.click('#confirm-ok');
  await page.waitForSelector(`${row(A)}[data-state="paused"]`, { timeout: T });
  const letters = await page.textContent(`${row(A)} .col-state code`);
  if (letters.trim() !== '--p---') throw new Error(`paused row shows letters ${letters}`);
  await page.waitForSelector(`${row(A)} button[data-action="unpause"]`, { timeout: T });
  ok(`${A} shows paused (--p---) with an Unpause button`);
  await shot(page, 'web-paused.png');
}

async function terminalText(page) {
  return page.$eval('#terminal .xterm-rows', (e) => [...e.children].map((r) => r.textContent.trimEnd()));
}

async function consoleB(page) {
  await page.click(`${row(B)} button[data-action="console"]`);
  await page.waitForSelector('#console-panel[data-state="attached"]', { timeout: T });
  ok(`console of ${B} attached`);
  const word = `hello-from-chromium-${process.pid}`;
  await page.click('#terminal');
  await page.keyboard.type(`echo ${word}`);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + T;
  for (;;) {
    const lines = await terminalText(page);
    if (lines.some((l) => l.trim() === word)) break;
    if (Date.now() > deadline) throw new Error(`no answer in the console: ${JSON.stringify(lines)}`);
    await page.waitForTimeout(100);
  }
  ok(`the guest answered "echo ${word}" in the page's console`);
  await shot(page, 'web-console.png');
}

// A create the toolstack refuses: the page shows pvx's own words for it.
async function createError(page) {
  await page.click('#create summary');
  await page.waitForFunction(() => document.querySelectorAll('#create-template option').length > 1,
    null, { timeout: T });
  await page.selectOption('#create-template', 'hello');
  await page.fill('#create-overrides', 'name=browser1\nmemory=lots');
  await page.click('#create-submit');
  const li = await page.waitForSelector('#errors li', { timeout: T });
  const msg = (await li.textContent()).replace(/\u00d7$/, '');
  if (!msg.startsWith('pvx: ') || !msg.includes('memory')) throw new Error(`error shown: ${msg}`);
  ok(`a refused create shows "${msg}"`);
  await shot(page, 'web-create-error.png');
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pvx-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 1000 },
  });
  const errors = [];
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(process.env.PVX_URL);
    if (page.url().includes('token=')) throw new Error('the token stayed in the address bar');
    await listsBoth(page);
    await shot(page, 'web-domains.png');
    await pauseA(page);
    await consoleB(page);
    await createError(page);
    // the refused create's 400 is logged by the browser as a failed request: expected
    const bad = errors.filter((e) => !e.includes('favicon') && !e.includes('status of 400'));
    if (bad.length) throw new Error(`errors in the page: ${bad.join(' | ')}`);
    ok('no script errors in the page');
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(`FAIL: ${e.message}`); process.exit(1); });
