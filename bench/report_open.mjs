// How long a report takes to open in Chromium (headless, this machine): from navigation to
// the page's `tcplens.ready` (the table decoded and drawn), median of ROUNDS (default 3).
// Usage: node bench/report_open.mjs REPORT.html
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const puppeteer = createRequire(path.join(repo, 'report/package.json'))('puppeteer-core');
const file = path.resolve(process.argv[2]);
const rounds = Number(process.env.ROUNDS || 3);
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu'] });
const times = [];
const errors = [];
for (let r = 0; r < rounds; r++) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const t0 = performance.now();
  await page.goto('file://' + file, { waitUntil: 'load', timeout: 120000 });
  await page.evaluate(() => window.tcplens.ready);
  times.push(performance.now() - t0);
  if (r === 0) {
    const t = await page.evaluate(() => ({ ...window.tcplens.timing, dom: performance.getEntriesByType('navigation')[0].domInteractive }));
    console.log('first round (ms since navigation): HTML parsed ' + t.dom.toFixed(0) + ', script ran ' + t.script.toFixed(0) +
      ', table decoded ' + t.unpacked.toFixed(0) + ', table drawn ' + t.table.toFixed(0));
    const t1 = performance.now();
    await page.evaluate(() => window.tcplens.view.sortBy('duration', -1));
    const sortMs = performance.now() - t1;
    const t2 = performance.now();
    await page.evaluate(() => { document.getElementById('f-text').value = '10.'; window.tcplens.view.applyFilter(); });
    console.log('sort by duration: ' + sortMs.toFixed(0) + ' ms, text filter: ' + (performance.now() - t2).toFixed(0) + ' ms');
  }
  await page.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log('open: ' + times.map((t) => t.toFixed(0)).join(' ') + ' ms, median ' + times[Math.floor(times.length / 2)].toFixed(0) +
  ' ms' + (errors.length ? '; errors: ' + errors.join(' | ') : ''));
