// tcplens report: the page's glue. Decodes the packed columns the page carries (gzip of
// little-endian typed arrays, base64), pages, sorts and filters the connection table, switches
// the stories' language, and draws each connection's graphs with uPlot when its page opens.
// Everything it shows is already in the page: it fetches nothing.
(function () {
  'use strict';
  const doc = document;
  doc.documentElement.classList.add('js');
  const api = (window.tcplens = { table: null, charts: {}, ready: null, pageSize: 100 });

  // ---- packed data -------------------------------------------------------------------
  function fromBase64(s) {
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(s);
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const kArrays = { u32: Uint32Array, f64: Float64Array, ts: Float64Array, u8: Uint8Array, bool: Uint8Array, str: Uint32Array };
  async function unpack(meta) {
    const cols = {};
    if (!meta.layout.length) return cols;
    const stream = new Blob([fromBase64(meta.data)]).stream().pipeThrough(new DecompressionStream('gzip'));
    const buf = await new Response(stream).arrayBuffer();
    for (const c of meta.layout) {
      // Integer columns come in the narrowest width that holds them (1, 2 or 4 bytes).
      const T = c.width === 1 ? Uint8Array : c.width === 2 ? Uint16Array : kArrays[c.type];
      cols[c.name] = { type: c.type, v: new T(buf, c.offset, c.length), dict: c.dict };
    }
    return cols;
  }

  // ---- language ----------------------------------------------------------------------
  function setLang(lang) {
    doc.documentElement.dataset.lang = lang;
    for (const b of doc.querySelectorAll('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }
  for (const b of doc.querySelectorAll('.lang-switch button')) b.addEventListener('click', () => setLang(b.dataset.lang));

  // ---- the table ---------------------------------------------------------------------
  function pad6(n) { return String(n).padStart(6, '0'); }
  function makeTable(meta, cols) {
    const n = meta.rows;
    const base = meta.base_sec;
    const detailed = new Set(meta.detailed);
    function value(path, i) {
      const c = cols[path];
      const x = c.v[i];
      switch (c.type) {
        case 'str': return c.dict[x];
        case 'bool': return x === 2 ? null : x === 1;
        case 'ts': { const us = x; const s = Math.floor(us / 1e6); return (base + s) + '.' + pad6(us - s * 1e6); }
        case 'f64': return Number.isNaN(x) ? null : x;
        default: return x;
      }
    }
    // One connection as `conns --format json` nests it (the scalar fields).
    function record(i) {
      const r = {};
      for (const path of Object.keys(cols)) {
        if (path === 'outcome') continue;
        const v = value(path, i);
        if (path.startsWith('zeek.') && v === '') continue;
        const parts = path.split('.');
        let o = r;
        for (let k = 0; k < parts.length - 1; k++) o = o[parts[k]] || (o[parts[k]] = {});
        o[parts[parts.length - 1]] = v;
      }
      return r;
    }
    return { rows: n, columns: cols, value, record, detailed };
  }

  const kView = [
    { key: 'stream', cell: (t, i) => String(t.value('stream', i)) },
    { key: 'client', cell: (t, i) => t.value('client.ip', i) + ':' + t.value('client.port', i) },
    { key: 'server', cell: (t, i) => t.value('server.ip', i) + ':' + t.value('server.port', i) },
    { key: 'outcome', cell: (t, i) => t.value('outcome', i) },
    { key: 'handshake.result', cell: (t, i) => t.value('handshake.result', i) },
    { key: 'first_ts', cell: (t, i) => t.value('first_ts', i) },
    { key: 'duration', cell: (t, i) => t.value('duration', i).toFixed(6) },
    { key: 'client_to_server.bytes', cell: (t, i) => String(t.value('client_to_server.bytes', i)) },
    { key: 'server_to_client.bytes', cell: (t, i) => String(t.value('server_to_client.bytes', i)) },
    { key: 'retransmissions', cell: (t, i) => String(t.value('client_to_server.retransmissions', i) + t.value('server_to_client.retransmissions', i)) },
    { key: 'teardown.kind', cell: (t, i) => t.value('teardown.kind', i) },
    { key: 'zeek.conn_state', cell: (t, i) => t.value('zeek.conn_state', i) },
    { key: 'zeek.history', cell: (t, i) => t.value('zeek.history', i) },
  ];

  // Sort keys: a number per row (dictionary columns by the rank of their text).
  function sortKey(t, key) {
    const cols = t.columns;
    if (key === 'client' || key === 'server') {
      const ip = cols[key + '.ip'], port = cols[key + '.port'].v;
      const rank = ranks(ip.dict);
      return (i) => rank[ip.v[i]] * 65536 + port[i];
    }
    if (key === 'retransmissions') {
      const a = cols['client_to_server.retransmissions'].v, b = cols['server_to_client.retransmissions'].v;
      return (i) => a[i] + b[i];
    }
    const c = cols[key];
    if (c.type === 'str') { const rank = ranks(c.dict); return (i) => rank[c.v[i]]; }
    return (i) => c.v[i];
  }
  function ranks(dict) {
    const order = dict.map((s, k) => k).sort((a, b) => (dict[a] < dict[b] ? -1 : dict[a] > dict[b] ? 1 : 0));
    const rank = new Uint32Array(dict.length);
    order.forEach((k, r) => { rank[k] = r; });
    return rank;
  }

  function setupTable(t) {
    const tbody = doc.querySelector('#conn-table tbody');
    const count = doc.getElementById('t-count');
    const pager = doc.createElement('div');
    pager.className = 'pager';
    pager.id = 't-pager';
    pager.innerHTML = '<button type="button" data-go="first">&laquo;</button><button type="button" data-go="prev">&lsaquo;</button>' +
      '<span class="page"></span><button type="button" data-go="next">&rsaquo;</button><button type="button" data-go="last">&raquo;</button>';
    doc.getElementById('t-scroll').before(pager);
    let order = new Uint32Array(t.rows).map((x, i) => i);
    let shown = order;
    let page = 0;
    let sorted = { key: 'stream', dir: 1 };

    function render() {
      const size = api.pageSize;
      const pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.min(Math.max(page, 0), pages - 1);
      const frag = doc.createDocumentFragment();
      for (let k = page * size; k < Math.min(shown.length, (page + 1) * size); k++) {
        const i = shown[k];
        const tr = doc.createElement('tr');
        tr.dataset.row = String(i);
        for (const col of kView) {
          const td = doc.createElement('td');
          const text = col.cell(t, i);
          if (col.key === 'stream' && t.detailed.has(t.value('stream', i))) {
            const a = doc.createElement('a');
            a.href = '#conn-' + text;
            a.textContent = text;
            td.append(a);
          } else {
            td.textContent = text;
          }
          if (col.key === 'outcome') td.className = 'o-' + text;
          tr.append(td);
        }
        frag.append(tr);
      }
      tbody.replaceChildren(frag);
      pager.querySelector('.page').textContent = 'page ' + (page + 1) + ' of ' + pages;
      count.textContent = shown.length + ' of ' + t.rows + ' connections';
    }
    pager.addEventListener('click', (e) => {
      const go = e.target.dataset && e.target.dataset.go;
      if (!go) return;
      page = go === 'first' ? 0 : go === 'prev' ? page - 1 : go === 'next' ? page + 1 : Infinity;
      render();
    });

    function sortBy(key, dir) {
      const k = sortKey(t, key);
      const keys = new Float64Array(t.rows);
      for (let i = 0; i < t.rows; i++) keys[i] = k(i);
      order = new Uint32Array(t.rows).map((x, i) => i).sort((a, b) => (keys[a] - keys[b]) * dir || a - b);
      sorted = { key, dir };
      for (const th of doc.querySelectorAll('#conn-table th')) {
        th.classList.toggle('sorted-asc', th.dataset.col === key && dir > 0);
        th.classList.toggle('sorted-desc', th.dataset.col === key && dir < 0);
      }
      applyFilter();
    }
    for (const th of doc.querySelectorAll('#conn-table th')) {
      th.addEventListener('click', () => sortBy(th.dataset.col, sorted.key === th.dataset.col ? -sorted.dir : 1));
    }

    // Filters: text anywhere in the visible cells' text, the outcome, a host, a port.
    const fText = doc.getElementById('f-text'), fOutcome = doc.getElementById('f-outcome');
    const fHost = doc.getElementById('f-host'), fPort = doc.getElementById('f-port');
    function dictMatch(path, test) {
      const c = t.columns[path];
      return { v: c.v, ok: c.dict.map(test) };
    }
    function applyFilter() {
      const text = fText.value.trim().toLowerCase(), outcome = fOutcome.value, host = fHost.value.trim(), port = fPort.value.trim();
      if (!text && !outcome && !host && !port) {
        shown = order;
      } else {
        const tests = [];
        if (outcome) { const m = dictMatch('outcome', (s) => s === outcome); tests.push((i) => m.ok[m.v[i]]); }
        if (host) {
          const a = dictMatch('client.ip', (s) => s.includes(host)), b = dictMatch('server.ip', (s) => s.includes(host));
          tests.push((i) => a.ok[a.v[i]] || b.ok[b.v[i]]);
        }
        if (port) {
          const p = Number(port), a = t.columns['client.port'].v, b = t.columns['server.port'].v;
          tests.push((i) => a[i] === p || b[i] === p);
        }
        if (text) {
          const paths = Object.keys(t.columns).filter((p) => t.columns[p].type === 'str');
          const ms = paths.map((p) => dictMatch(p, (s) => s.toLowerCase().includes(text)));
          const sc = t.columns['client.port'].v, ss = t.columns['server.port'].v, st = t.columns.stream.v;
          tests.push((i) => ms.some((m) => m.ok[m.v[i]]) || String(sc[i]).includes(text) || String(ss[i]).includes(text) || String(st[i]) === text);
        }
        const out = [];
        for (const i of order) if (tests.every((f) => f(i))) out.push(i);
        shown = Uint32Array.from(out);
      }
      page = 0;
      render();
    }
    let timer = 0;
    for (const el of [fText, fOutcome, fHost, fPort]) el.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(applyFilter, 150); });

    // A row opens its connection: its page when it is shown in detail, else its fields.
    tbody.addEventListener('click', (e) => {
      const tr = e.target.closest('tr');
      if (!tr || e.target.closest('a')) return;
      const i = Number(tr.dataset.row);
      const stream = t.value('stream', i);
      if (t.detailed.has(stream)) { location.hash = '#conn-' + stream; return; }
      showRecord(t, i);
    });
    render();
    api.view = { render, sortBy, applyFilter, shown: () => shown, page: () => page };
  }

  function showRecord(t, i) {
    const box = doc.getElementById('record');
    const dl = doc.createElement('dl');
    for (const path of Object.keys(t.columns)) {
      const dt = doc.createElement('dt'); dt.textContent = path;
      const dd = doc.createElement('dd'); const v = t.value(path, i); dd.textContent = v === null ? 'null' : String(v);
      dl.append(dt, dd);
    }
    const h = doc.createElement('h3');
    h.textContent = 'Connection ' + t.value('stream', i) + ' (not shown in detail: see --detail)';
    box.replaceChildren(h, dl);
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  // ---- a connection's graphs -----------------------------------------------------------
  const kRetrans = (1 << 0) | (1 << 1) | (1 << 2);  // Anomaly::Retransmission, Fast..., Spurious...
  const kZeroWindow = 1 << 7;
  const kRst = 0x04, kAck = 0x10;

  // tcptrace's segments: a vertical bar from each segment's first to its last byte.
  function barPaths(low) {
    return (u, sidx, i0, i1) => {
      const p = new Path2D();
      const xs = u.data[0], ys = u.data[sidx];
      for (let i = i0; i <= i1; i++) {
        if (ys[i] == null) continue;
        const x = u.valToPos(xs[i], 'x', true);
        p.moveTo(x, u.valToPos(low[i], 'y', true));
        p.lineTo(x, u.valToPos(ys[i], 'y', true));
      }
      return { stroke: p, fill: null };
    };
  }

  function hoverInfo(el, pts, idx) {
    return (u) => {
      const i = u.cursor.idx;
      if (i == null) { el.textContent = ''; return; }
      const k = idx[i];
      el.textContent = 'frame ' + pts.frame[k] + '  t=' + pts.t[k].toFixed(6) + ' s  ' + (pts.side[k] ? 'server' : 'client') +
        '  seq=' + pts.seq[k] + ' ack=' + pts.ack[k] + ' len=' + pts.len[k] + ' win=' + pts.window[k] +
        (Number.isNaN(pts.rtt[k]) ? '' : '  rtt=' + (pts.rtt[k] * 1000).toFixed(3) + ' ms');
    };
  }

  function chartBox(parent, title) {
    const box = doc.createElement('div');
    box.className = 'chart-box';
    const h = doc.createElement('h4');
    h.textContent = title;
    const plot = doc.createElement('div');
    const hover = doc.createElement('div');
    hover.className = 'hover';
    box.append(h, plot, hover);
    parent.append(box);
    return { plot, hover };
  }
  // Seconds with as many decimals as the ticks' spacing needs (uPlot's default rounds them).
  const secondsAxis = {
    label: 'seconds',
    values: (u, splits) => {
      const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 1;
      const d = Math.min(9, Math.max(0, Math.ceil(-Math.log10(step || 1))));
      return splits.map((v) => v.toFixed(d));
    },
  };
  function width(el) { return Math.max(600, Math.min(1200, (el.clientWidth || 900) - 10)); }

  function timeSequence(parent, pts, side, style) {
    const n = pts.t.length;
    const idx = [], xs = [], segTop = [], segLow = [], rexTop = [], ackY = [], winY = [], zeroY = [];
    const sackTop = [[], [], []], sackLow = [[], [], []];
    let marks = 0;
    for (let k = 0; k < n; k++) {
      const mine = pts.side[k] === side;
      const dataSeg = mine && pts.len[k] > 0;
      const fromPeer = !mine && (pts.flags[k] & kAck) && !(pts.flags[k] & kRst);
      if (!dataSeg && !fromPeer) continue;
      idx.push(k); xs.push(pts.t[k]);
      const rex = dataSeg && (pts.anomalies[k] & kRetrans) !== 0;
      segTop.push(dataSeg && !rex ? pts.seq[k] + pts.len[k] : null);
      rexTop.push(rex ? pts.seq[k] + pts.len[k] : null);
      segLow.push(dataSeg ? pts.seq[k] : null);
      if (dataSeg) marks++;
      ackY.push(fromPeer ? pts.ack[k] : null);
      winY.push(fromPeer ? pts.ack[k] + pts.window[k] : null);
      // Every SACK block of the peer's packet (up to three): a bar from its left to right edge.
      for (let b = 0; b < 3; b++) {
        const has = fromPeer && b < pts.sack_count[k];
        sackTop[b].push(has ? pts['sack' + (2 * b + 1)][k] : null);
        sackLow[b].push(has ? pts['sack' + 2 * b][k] : null);
      }
      zeroY.push(fromPeer && pts.window[k] === 0 ? pts.ack[k] : null);
    }
    const { plot, hover } = chartBox(parent, 'Time-sequence (' + (side ? 'server to client' : 'client to server') + ', ' + style + ')');
    const bars = style === 'tcptrace';
    const point = (size, fill) => ({ show: true, size, fill, stroke: fill });
    const u = new uPlot({
      width: width(parent), height: 360,
      cursor: { drag: { x: true, y: true, uni: 20 } },
      scales: { x: { time: false } },
      axes: [secondsAxis, { label: 'relative sequence number', size: 80 }],
      series: [
        {},
        { label: 'segments', stroke: '#1f5fa8', width: 1.5, paths: bars ? barPaths(segLow) : () => null, points: bars ? { show: false } : point(4, '#1f5fa8') },
        { label: 'retransmissions', stroke: '#c0392b', width: 3, paths: bars ? barPaths(segLow) : () => null, points: point(6, '#c0392b') },  // a dot too: they fill holes at the ACK line
        { label: 'ACK', stroke: '#2d7a4d', width: 1, spanGaps: true, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
        { label: 'receive window', stroke: '#c7a72b', width: 1, spanGaps: true, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
        { label: 'zero window', stroke: '#e67e22', paths: () => null, points: point(8, '#e67e22') },
        { label: 'SACK', stroke: '#8e44ad', width: 3, paths: barPaths(sackLow[0]), points: { show: false } },
        { label: 'SACK 2', stroke: '#a569bd', width: 3, paths: barPaths(sackLow[1]), points: { show: false } },
        { label: 'SACK 3', stroke: '#bb8fce', width: 3, paths: barPaths(sackLow[2]), points: { show: false } },
      ],
      hooks: { setCursor: [hoverInfo(hover, pts, idx)] },
    }, [xs, segTop, rexTop, ackY, winY, zeroY, sackTop[0], sackTop[1], sackTop[2]], plot);
    u.dataSegments = marks;
    return u;
  }

  function rttChart(parent, pts) {
    const idx = [], xs = [], c = [], s = [];
    for (let k = 0; k < pts.t.length; k++) {
      if (Number.isNaN(pts.rtt[k])) continue;
      idx.push(k); xs.push(pts.t[k]);
      const ms = pts.rtt[k] * 1000;
      c.push(pts.side[k] === 0 ? ms : null); s.push(pts.side[k] === 1 ? ms : null);
    }
    const { plot, hover } = chartBox(parent, 'RTT samples (the time each ACK took)');
    if (!xs.length) { plot.textContent = 'No RTT samples.'; return null; }
    return new uPlot({
      width: width(parent), height: 220, scales: { x: { time: false } },
      axes: [secondsAxis, { label: 'ms', size: 60 }],
      series: [{}, { label: 'ACKs sent by client', stroke: '#1f5fa8', paths: () => null, points: { show: true, size: 5, fill: '#1f5fa8' } },
        { label: 'ACKs sent by server', stroke: '#c0392b', paths: () => null, points: { show: true, size: 5, fill: '#c0392b' } }],
      hooks: { setCursor: [hoverInfo(hover, pts, idx)] },
    }, [xs, c, s], plot);
  }

  function throughputChart(parent, pts, side) {
    const n = pts.t.length;
    const end = n ? pts.t[n - 1] : 0;
    const bins = Math.max(1, Math.min(100, Math.ceil(n / 4)));
    const w = Math.max(end, 1e-6) / bins;
    const xs = [], tput = new Array(bins).fill(0), good = new Array(bins).fill(0);
    for (let b = 0; b < bins; b++) xs.push((b + 0.5) * w);
    for (let k = 0; k < n; k++) {
      if (pts.side[k] !== side || pts.len[k] === 0) continue;
      const b = Math.min(bins - 1, Math.floor(pts.t[k] / w));
      tput[b] += pts.len[k];
      if (!(pts.anomalies[k] & kRetrans)) good[b] += pts.len[k];
    }
    const { plot } = chartBox(parent, 'Throughput and goodput (' + (side ? 'server to client' : 'client to server') + ')');
    return new uPlot({
      width: width(parent), height: 220, scales: { x: { time: false } },
      axes: [secondsAxis, { label: 'bytes/s', size: 80 }],
      series: [{}, { label: 'throughput', stroke: '#1f5fa8', paths: uPlot.paths.stepped({ align: 0 }) },
        { label: 'goodput (no retransmissions)', stroke: '#2d7a4d', paths: uPlot.paths.stepped({ align: 0 }) }],
    }, [xs, tput.map((v) => v / w), good.map((v) => v / w)], plot);
  }

  function inFlightChart(parent, pts, side) {
    const idx = [], xs = [], fl = [], win = [];
    let peerWindow = null;
    for (let k = 0; k < pts.t.length; k++) {
      if (pts.side[k] !== side) { peerWindow = pts.window[k]; continue; }
      if (pts.len[k] === 0) continue;
      idx.push(k); xs.push(pts.t[k]);
      fl.push(pts.in_flight[k] || null); win.push(peerWindow);
    }
    const { plot, hover } = chartBox(parent, 'Bytes in flight against the receive window (' + (side ? 'server to client' : 'client to server') + ')');
    if (!xs.length) { plot.textContent = 'No data segments this way.'; return null; }
    return new uPlot({
      width: width(parent), height: 220, scales: { x: { time: false } },
      axes: [secondsAxis, { label: 'bytes', size: 80 }],
      series: [{}, { label: 'bytes in flight', stroke: '#1f5fa8', points: { show: true, size: 4 } },
        { label: 'receive window', stroke: '#c7a72b', paths: uPlot.paths.stepped({ align: 1 }), spanGaps: true }],
      hooks: { setCursor: [hoverInfo(hover, pts, idx)] },
    }, [xs, fl, win], plot);
  }

  async function drawConnection(section) {
    const stream = Number(section.dataset.stream);
    if (api.charts[stream]) return api.charts[stream];
    const box = section.querySelector('.graphs');
    const meta = JSON.parse(section.querySelector('script.conn-data').textContent);
    const cols = await unpack(meta);
    const pts = {};
    for (const k of Object.keys(cols)) pts[k] = cols[k].v;
    // A connection with no packet kept (none drawn): empty arrays of every name.
    for (const k of ['t', 'frame', 'rtt']) if (!pts[k]) pts[k] = new Float64Array(0);
    for (const k of ['side', 'seq', 'ack', 'len', 'window', 'in_flight', 'anomalies', 'flags', 'sack_count', 'sack0', 'sack1', 'sack2', 'sack3', 'sack4', 'sack5'])
      if (!pts[k]) pts[k] = new Uint32Array(0);
    const entry = (api.charts[stream] = { stream, points: pts, side: 0, style: 'tcptrace', charts: {} });
    // The direction with more data first.
    let bytes0 = 0, bytes1 = 0;
    for (let k = 0; k < pts.t.length; k++) { if (pts.side[k]) bytes1 += pts.len[k]; else bytes0 += pts.len[k]; }
    entry.side = bytes1 > bytes0 ? 1 : 0;
    const controls = doc.createElement('div');
    controls.className = 'controls';
    controls.innerHTML = '<label>direction <select class="dir"><option value="0">client to server</option><option value="1">server to client</option></select></label>' +
      '<label>style <select class="style"><option>tcptrace</option><option>Stevens</option></select></label>' +
      '<span class="note">drag to zoom, double-click to zoom out; hover shows the frame</span>';
    const area = doc.createElement('div');
    box.replaceChildren(controls, area);
    const dir = controls.querySelector('.dir'), style = controls.querySelector('.style');
    dir.value = String(entry.side);
    function draw() {
      for (const c of Object.values(entry.charts)) if (c) c.destroy();
      area.replaceChildren();
      entry.side = Number(dir.value);
      entry.style = style.value;
      entry.charts = {
        timeSequence: timeSequence(area, pts, entry.side, entry.style),
        rtt: rttChart(area, pts),
        throughput: throughputChart(area, pts, entry.side),
        inFlight: inFlightChart(area, pts, entry.side),
      };
    }
    dir.addEventListener('change', draw);
    style.addEventListener('change', draw);
    draw();
    box.classList.add('drawn');
    entry.redraw = (side, st) => { dir.value = String(side); if (st) style.value = st; draw(); return entry.charts; };
    return entry;
  }

  // A connection's page replaces the overview and the table (main.conn-open: for browsers
  // without CSS :has(), such as Firefox ESR 115).
  function route() {
    for (const s of doc.querySelectorAll('section.conn.active')) s.classList.remove('active');
    const main = doc.querySelector('main');
    main.classList.remove('conn-open');
    const m = /^#conn-(\d+)$/.exec(location.hash);
    if (!m) return Promise.resolve(null);
    const section = doc.getElementById('conn-' + m[1]);
    if (!section) return Promise.resolve(null);
    section.classList.add('active');
    main.classList.add('conn-open');
    window.scrollTo(0, 0);
    return drawConnection(section);
  }
  window.addEventListener('hashchange', () => { api.routed = route(); });

  api.open = (stream) => { location.hash = '#conn-' + stream; return (api.routed = route()); };
  // When each step of opening ended (ms since navigation): bench/report_open.mjs prints them.
  api.timing = { script: performance.now() };
  api.ready = (async () => {
    const el = doc.getElementById('table-data');
    const meta = JSON.parse(el.textContent);
    meta.data = doc.getElementById('table-bytes').textContent;
    const cols = await unpack(meta);
    api.timing.unpacked = performance.now();
    api.table = makeTable(meta, cols);
    setupTable(api.table);
    api.timing.table = performance.now();
    await (api.routed = route());
    return true;
  })();
})();
