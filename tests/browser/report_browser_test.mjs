// The report in a real browser: Debian's chromium, headless, driven through its DevTools
// protocol by puppeteer-core (pinned in report/package-lock.json; nothing is downloaded).
// For each capture: the page loads from disk with no console error and no network request,
// the table's rows equal `conns --format json`, a time-sequence graph has one mark per data
// segment of its direction (explain's segment counts), the story is explain's and the language
// switch changes it to explain's Chinese one, the ladder has explain's rows and folded spans, the overview and the first page of the table are there with
// scripts off; screenshots of the overview and of a connection page go to OUTDIR.
//
// Usage: node report_browser_test.mjs TCPLENS CORPUS OUTDIR
// Exit status: 0 all passed, 1 a check failed, 77 no chromium or no report/node_modules (skip).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [tcplens, corpus, outdir] = process.argv.slice(2);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const modules = path.join(repo, 'report/node_modules/puppeteer-core');
if (!existsSync(chromium) || !existsSync(modules)) {
  console.log('skip: needs ' + chromium + ' and report/node_modules (scripts/install-deps.sh)');
  process.exit(77);
}
const puppeteer = createRequire(path.join(repo, 'report/package.json'))('puppeteer-core');
mkdirSync(outdir, { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log('ok   ' + name); } else { failed++; console.log('FAIL ' + name + (detail ? ': ' + detail : '')); }
}
function run(args) { return execFileSync(tcplens, args, { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, TZ: 'UTC' } }); }
// What `explain --stream N` prints as text, wide enough that no sentence wraps: its ladder's
// packet rows and folded spans (by frame), and its story's sentences.
function explainText(file, stream, lang) {
  const text = execFileSync(tcplens, ['explain', '--ascii', '--lang', lang, '--stream', String(stream), '-r', file],
    { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, TZ: 'UTC', COLUMNS: '10000' } });
  const [ladder, story] = text.split('\n\n');
  const rows = [], spans = [];
  for (const line of ladder.split('\n')) {
    const m = /^ *\d+\.\d{6} +(\d+) /.exec(line);
    if (!m) continue;
    const span = /\.\.\. #(\d+)-#(\d+) \.\.\./.exec(line);
    if (span) spans.push(span[1] + '-' + span[2]); else rows.push(m[1]);
  }
  return { rows, spans, story: story.split('\n').slice(1).map((l) => l.replace(/^  /, '')) };
}
function jsonLines(text) { return text.split('\n').filter((l) => l).map((l) => JSON.parse(l)); }
function get(o, p) { return p.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o); }
// Numbers within conns's printed precision (microseconds); timestamps are text in the page.
function same(a, b) {
  if (typeof a === 'string' && typeof b === 'number') return Number(a) === b;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-6;
  return a === b;
}

const captures = [
  { name: 'sample', file: path.join(repo, 'samples/loopback-http.pcap'), shots: true },
  { name: 'lossy', file: path.join(corpus, 'live/data-transfer/bulk-loss-nft.pcap'), shots: true },
  { name: 'refused', file: path.join(corpus, 'live/refused/closed-port.pcap') },
  { name: 'many', file: path.join(corpus, 'live/many-connections/many-sequential-500.pcap'), detail: '20' },
  // Connections that end out of the order they began in (records arrive as they end).
  { name: 'scan', file: path.join(corpus, 'live/syn-flood-scan/scan-hping3.pcap') },
];

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--headless=new'],
});
try {
  for (const cap of captures) {
    const html = path.join(outdir, cap.name + '.html');
    run(['report', '-r', cap.file, '-o', html, ...(cap.detail ? ['--detail', cap.detail] : [])]);
    const conns = jsonLines(run(['conns', '--format', 'json', '-r', cap.file]));
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const errors = [], requests = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url()); });
    const t0 = Date.now();
    await page.goto('file://' + html, { waitUntil: 'load' });
    await page.evaluate(() => window.tcplens.ready);
    const openMs = Date.now() - t0;
    check(cap.name + ': opens with no console error (' + openMs + ' ms)', errors.length === 0, errors.join(' | '));
    check(cap.name + ': no network request', requests.length === 0, requests.join(' '));

    // The table's data: every column, every row, against conns.
    const table = await page.evaluate(() => {
      const t = window.tcplens.table;
      const paths = Object.keys(t.columns).filter((p) => p !== 'outcome');
      const rows = [];
      for (let i = 0; i < t.rows; i++) rows.push(paths.map((p) => t.value(p, i)));
      return { paths, rows };
    });
    const streams = table.rows.map((r) => r[table.paths.indexOf('stream')]);
    check(cap.name + ': table rows in stream order', streams.every((v, k) => k === 0 || v > streams[k - 1]));
    check(cap.name + ': table has a row per connection', table.rows.length === conns.length, table.rows.length + ' vs ' + conns.length);
    const byStream = new Map(conns.map((c) => [c.stream, c]));
    let bad = '';
    for (const row of table.rows) {
      const c = byStream.get(row[table.paths.indexOf('stream')]);
      if (!c) { bad = 'no such stream'; break; }
      table.paths.forEach((p, k) => {
        if (bad) return;
        let want = get(c, p);
        if (p.startsWith('zeek.') && want === undefined) want = '';
        if (p === 'tunnel' && want === null) want = '';  // no tunnel: JSON null, the table's empty text
        if (!same(row[k], want)) bad = 'stream ' + c.stream + ' ' + p + ': ' + row[k] + ' vs ' + want;
      });
      if (bad) break;
    }
    check(cap.name + ': table rows equal conns --format json (' + table.paths.length + ' fields)', bad === '', bad);

    // What the page shows: the first page's cells.
    const cells = await page.$$eval('#conn-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    const first = conns.slice().sort((a, b) => a.stream - b.stream).slice(0, 100);
    const shownOk = cells.length === first.length && cells.every((r, k) =>
      r[0] === String(first[k].stream) && r[1] === first[k].client.ip + ':' + first[k].client.port &&
      r[2] === first[k].server.ip + ':' + first[k].server.port && r[4] === first[k].handshake.result);
    check(cap.name + ': the first page shows the first 100 connections', shownOk, JSON.stringify(cells[0]));

    // The outcome filter.
    const refusedCount = conns.filter((c) => c.handshake.result === 'rejected').length;
    const filtered = await page.evaluate(() => {
      const sel = document.getElementById('f-outcome');
      sel.value = 'refused';
      window.tcplens.view.applyFilter();
      return window.tcplens.view.shown().length;
    });
    check(cap.name + ': outcome filter (refused: ' + refusedCount + ')', filtered === refusedCount, String(filtered));

    // A connection's page: the busiest detailed connection.
    const detailed = await page.evaluate(() => [...window.tcplens.table.detailed]);
    const withData = conns.filter((c) => detailed.includes(c.stream))
      .sort((a, b) => (b.client_to_server.bytes + b.server_to_client.bytes) - (a.client_to_server.bytes + a.server_to_client.bytes));
    if (withData.length) {
      const c = withData[0];
      const ex = JSON.parse(run(['explain', '--format', 'json', '--stream', String(c.stream), '-r', cap.file]));
      const segments = (code) => Number((ex.findings.find((f) => f.code === code) || { params: { segments: 0 } }).params.segments);
      ex.client_segments = segments('data.client_to_server');
      ex.server_segments = segments('data.server_to_client');
      const en = explainText(cap.file, c.stream, 'en'), zh = explainText(cap.file, c.stream, 'zh');
      const marks = await page.evaluate(async (s) => {
        const e = await window.tcplens.open(s);
        const count = (u) => [1, 2].reduce((n, k) => n + u.data[k].filter((v) => v != null).length, 0);
        const out = [];
        for (const side of [0, 1]) out.push(count(e.redraw(side, 'tcptrace').timeSequence));
        e.redraw(side0(e), 'tcptrace');
        return out;
        function side0(x) { return x.points.len.reduce((a, l, k) => a + (x.points.side[k] ? -l : l), 0) >= 0 ? 0 : 1; }
      }, c.stream);
      check(cap.name + ': time-sequence marks, client to server = ' + ex.client_segments, marks[0] === ex.client_segments, String(marks[0]));
      check(cap.name + ': time-sequence marks, server to client = ' + ex.server_segments, marks[1] === ex.server_segments, String(marks[1]));
      const canvas = await page.$$eval('#conn-' + c.stream + ' .graphs canvas', (cs) => cs.length);
      check(cap.name + ': four graphs drawn', canvas >= 3, String(canvas));
      const storyText = () => page.$eval('#conn-' + c.stream, (s) => [...s.querySelectorAll('.story')]
        .filter((o) => getComputedStyle(o).display !== 'none').map((o) => [...o.children].map((li) => li.textContent)));
      const enShown = await storyText();
      check(cap.name + ': the story in English is explain\'s (' + en.story.length + ' sentences)', JSON.stringify(enShown) === JSON.stringify([en.story]), JSON.stringify(enShown).slice(0, 200));
      await page.click('.lang-switch button[data-lang="zh"]');
      const zhShown = await storyText();
      check(cap.name + ': the language switch shows explain\'s Chinese story', JSON.stringify(zhShown) === JSON.stringify([zh.story]) &&
        JSON.stringify(zhShown) !== JSON.stringify(enShown), JSON.stringify(zhShown).slice(0, 200));
      await page.click('.lang-switch button[data-lang="en"]');
      const ladder = await page.$eval('#conn-' + c.stream + ' svg.ladder', (l) => ({
        rows: [...l.querySelectorAll('.arrow')].map((a) => a.dataset.frame),
        spans: [...l.querySelectorAll('.span')].map((a) => a.dataset.first + '-' + a.dataset.last),
      }));
      check(cap.name + ': the ladder has explain\'s rows (' + en.rows.length + ' packets, ' + en.spans.length + ' folded spans)',
        JSON.stringify(ladder) === JSON.stringify({ rows: en.rows, spans: en.spans }), JSON.stringify(ladder).slice(0, 200));
      // Zoom the time-sequence graph on its first retransmission (else its middle), then hover.
      const hover = await page.evaluate((s) => {
        const e = window.tcplens.charts[s];
        const u = e.charts.timeSequence;
        const xs = u.data[0];
        let at = u.data[2].findIndex((v) => v != null);
        if (at < 0) at = Math.floor(xs.length / 2);
        const span = (xs[xs.length - 1] - xs[0]) || 1e-3;
        u.setScale('x', { min: xs[at] - span / 40, max: xs[at] + span / 25 });
        const box = u.over.getBoundingClientRect();
        document.querySelector('#conn-' + s + ' .graphs').scrollIntoView();
        window.scrollBy(0, -50);
        return { x: box.left + box.width / 2, y: box.top + box.height / 2, points: xs.length };
      }, c.stream);
      const overBox = await page.$eval('#conn-' + c.stream + ' .graphs .u-over', (o) => { const r = o.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; });
      await page.mouse.move(overBox.x, overBox.y);
      const hoverText = await page.$eval('#conn-' + c.stream + ' .graphs .hover', (h) => h.textContent);
      if (hover.points > 0)
        check(cap.name + ': hovering the time-sequence graph shows a frame (' + hoverText.slice(0, 40) + ')', /^frame \d+/.test(hoverText), hoverText);
      if (cap.shots) await page.screenshot({ path: path.join(outdir, cap.name + '-graphs.png'), fullPage: false });
      if (cap.shots) {
        await page.evaluate((s) => window.scrollTo(0, document.getElementById('conn-' + s).offsetTop - 50), c.stream);
        await page.screenshot({ path: path.join(outdir, cap.name + '-connection.png'), fullPage: false });
      }
      void hover;
    }
    check(cap.name + ': still no console error', errors.length === 0, errors.join(' | '));
    if (cap.shots) {
      await page.evaluate(() => {
        document.getElementById('f-outcome').value = '';
        window.tcplens.view.applyFilter();
        location.hash = '#overview';
        window.scrollTo(0, 0);
      });
      await page.screenshot({ path: path.join(outdir, cap.name + '-overview.png'), fullPage: false });
      const pdf = path.join(outdir, cap.name + '.pdf');
      await page.pdf({ path: pdf, format: 'A4', printBackground: true });
      check(cap.name + ': prints to PDF', statSync(pdf).size > 10000);
    }
    await page.close();

    // Scripts off: the overview and the first page of the table are in the HTML itself.
    const plain = await browser.newPage();
    await plain.setJavaScriptEnabled(false);
    await plain.goto('file://' + html, { waitUntil: 'load' });
    const rows = await plain.$$eval('#conn-table tbody tr', (t) => t.length);
    const charts = await plain.$$eval('#outcome-chart .outcome', (g) => g.length);
    check(cap.name + ': scripts off: overview chart and ' + Math.min(100, conns.length) + ' table rows', rows === Math.min(100, conns.length) && charts === 6, rows + ' rows');
    // A connection's page by its address alone (CSS :target), the overview hidden.
    const detailedStreams = await plain.$$eval('section.conn', (ss) => ss.map((x) => x.dataset.stream));
    if (detailedStreams.length) {
      await plain.goto('file://' + html + '#conn-' + detailedStreams[0], { waitUntil: 'load' });
      const shown = await plain.evaluate((s) => ({
        page: getComputedStyle(document.getElementById('conn-' + s)).display,
        overview: getComputedStyle(document.getElementById('overview')).display,
        arrows: document.querySelectorAll('#conn-' + s + ' svg.ladder .arrow').length,
      }), detailedStreams[0]);
      check(cap.name + ': scripts off: #conn-' + detailedStreams[0] + ' shows its page alone', shown.page === 'block' && shown.overview === 'none' && shown.arrows > 0, JSON.stringify(shown));
    }
    await plain.close();
  }
} finally {
  await browser.close();
}
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
