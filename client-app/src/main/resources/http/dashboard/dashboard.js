// The FlexLedger dashboard (decision 0023). Everything it shows is read from this gateway's /v1 API
// with the operator's bearer token (kept in this tab's sessionStorage); /v1/events, read with fetch()
// so that the token travels in the Authorization header, says when a block commits, and the views
// whose chaincodes the block touched are read again. Ledger text goes into the page as text only.
'use strict';
(() => {
  const KEY = 'flexledger.dashboard.token';
  const Q = 900000;
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem(KEY);
  let member = null;
  let selected = null;
  let live = null;
  const meters = new Map();
  const dirty = new Set();
  let refreshing = false;
  let timer = null;
  /** Which follow() loop is the live one: a loop left sleeping by a sign-out ends when it wakes. */
  let followGen = 0;
  /** Lists cut at MAX_PAGES, by path: said on the page, not hidden. */
  const truncated = new Set();
  /** The last audit of each meter and what it was made on: a meter whose ledger record is unchanged is audited again only every AUDIT_MS. */
  const audited = new Map();
  const AUDIT_MS = 5 * 60 * 1000;
  const MAX_PAGES = 50;

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text != null) e.textContent = text;
    return e;
  }

  const time = (ms) => (ms == null ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z');
  const num = (n) => (n == null ? '—' : Number(n).toLocaleString('en'));
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  async function problem(r) {
    try {
      const p = await r.json();
      return new ApiError(r.status, p.code, (p.code || r.status) + ': ' + (p.detail || p.title));
    } catch (e) {
      return new ApiError(r.status, null, 'HTTP ' + r.status);
    }
  }

  async function api(path) {
    const used = token;
    if (!used) throw new ApiError(0, null, 'signed out');
    const r = await fetch(path, { headers: { Authorization: 'Bearer ' + used, Accept: 'application/json' }, cache: 'no-store' });
    if (r.status === 401) {
      const e = await problem(r);
      if (token === used) signOut('The gateway refused the token: ' + e.message); // not a reply to a token already gone
      throw e;
    }
    if (!r.ok) throw await problem(r);
    return r.json();
  }

  /** Every item of a paged list, {@code size} at a time (chaincode-dr and the market take pages of at most 200). */
  async function all(path, key, size = 200) {
    let out = [];
    let bookmark = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const p = await api(path + sep + 'pageSize=' + size + (bookmark ? '&bookmark=' + encodeURIComponent(bookmark) : ''));
      out = out.concat(p[key] || []);
      bookmark = p.bookmark;
      if (!bookmark) break;
    }
    const base = path.split('?')[0];
    if (bookmark) truncated.add(base); else truncated.delete(base);
    return out;
  }

  async function maybe(path) {
    try {
      return await api(path);
    } catch (e) {
      if (e.status === 404) return null;
      throw e;
    }
  }

  function showErrors(errors) {
    const notes = [...truncated].map((p) => p + ': only the first ' + MAX_PAGES + ' pages are shown (use the API or the replica for the rest)');
    $('error').textContent = errors.map((e) => e.view + ': ' + (e.message || e)).concat(notes).join('; ');
  }

  // ------------------------------------------------------------------ meters, intervals, audit

  function gapsOf(records) {
    let missing = 0;
    let empty = 0;
    const slots = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (i > 0 && r.start > records[i - 1].end) {
        for (let t = records[i - 1].end; t < r.start; t += Q) slots.push({ start: t, end: t + Q, gap: true });
        missing += Math.round((r.start - records[i - 1].end) / Q);
      }
      if (r.count === 0) empty++;
      slots.push(r);
    }
    return { missing, empty, slots };
  }

  async function refreshMeters() {
    const assets = (await all('/v1/assets?by=owner&value=' + encodeURIComponent(member), 'assets'))
      .filter((a) => a.type === 'METER');
    const rows = [];
    const audits = [];
    for (const a of assets) {
      try {
        rows.push(await meterRow(a, audits));
      } catch (e) {
        if (e.status === 401) throw e;
        rows.push(el('tr', { class: 'meter', 'data-meter': a.assetId }, el('td', {}, a.assetId), el('td', {}, a.zone),
          el('td', { colspan: 5, class: 'bad' }, 'could not be read: ' + e.message)));
      }
    }
    $('meters').tBodies[0].replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 7, class: 'muted' },
      'No meters registered by ' + member + ' yet.'))]));
    for (const tr of rows) tr.addEventListener('click', () => { selected = tr.dataset.meter; refreshMetersView(); });
    if (!selected || !meters.has(selected)) {
      const withData = assets.find((a) => meters.has(a.assetId) && (meters.get(a.assetId).meter.intervals || 0) > 0);
      selected = withData ? withData.assetId : (assets[0] && assets[0].assetId);
    }
    refreshMetersView();
    renderAudit(audits);
  }

  /** One meter's row: its ledger record, its last 24 hours of intervals (gaps) and its FP1 audit. */
  async function meterRow(a, audits) {
    const m = await api('/v1/meters/' + encodeURIComponent(a.assetId));
    const from = m.lastEnd ? Math.max(0, m.lastEnd - 96 * Q) : 0;
    const records = m.intervals ? await all('/v1/meters/' + encodeURIComponent(a.assetId) + '/intervals?from=' + from, 'records', 1000) : [];
    records.sort((x, y) => x.start - y.start);
    const g = gapsOf(records);
    let audit = null;
    if (m.intervals) {
      // The audit reads every sample of the window from the store: the last 24 h only, and again only when the
      // meter's record changed (a new interval) or the last audit is AUDIT_MS old (tampering of the store shows then).
      const made = (m.intervals || 0) + '/' + (m.lastEnd || 0);
      const last = audited.get(a.assetId);
      if (last && last.made === made && Date.now() - last.at < AUDIT_MS) {
        audit = last.audit;
      } else {
        try {
          audit = await api('/v1/meters/' + encodeURIComponent(a.assetId) + '/audit?from=' + from);
        } catch (e) {
          if (e.status === 401) throw e;
          audit = { error: e.message };
        }
        audited.set(a.assetId, { made, at: Date.now(), audit });
      }
    }
    meters.set(a.assetId, { meter: m, records, gaps: g, audit });
    audits.push([a.assetId, audit]);
    const auditCell = audit == null ? el('td', { class: 'muted' }, 'no intervals')
      : audit.error ? el('td', { class: 'muted' }, audit.error)
        : audit.ok ? el('td', { class: 'ok' }, 'ok (' + num(audit.samples) + ' samples' + (from > 0 ? ', last 24 h)' : ')'))
          : el('td', { class: 'bad' }, audit.mismatches.length + ' finding(s)');
    const tr = el('tr', { class: 'meter' + (a.assetId === selected ? ' selected' : ''), 'data-meter': a.assetId },
      el('td', {}, a.assetId), el('td', {}, m.zone), el('td', {}, m.status),
      el('td', { class: 'intervals' }, num(m.intervals || 0)), el('td', { class: 'last' }, time(m.lastEnd)),
      el('td', { class: g.missing + g.empty ? 'bad gaps' : 'gaps' },
        g.missing + ' missing, ' + g.empty + ' empty' + (records.length < (m.intervals || 0) ? ' (last 24 h)' : '')),
      auditCell);
    return tr;
  }

  function refreshMetersView() {
    for (const tr of $('meters').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.meter === selected);
    $('chart-meter').textContent = selected || '—';
    const m = selected && meters.get(selected);
    $('chart').replaceChildren(m && m.records.length ? intervalChart(m.gaps.slots) : el('p', { class: 'muted' }, 'No certified intervals yet.'));
  }

  function intervalChart(slots) {
    const W = 900;
    const H = 220;
    const L = 60;
    const B = 30;
    const values = slots.map((s) => (s.gap || !s.count ? 0 : (s.avg != null ? s.avg : s.sum / s.count)));
    const max = Math.max(1, ...values);
    const w = (W - L - 10) / slots.length;
    const g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'certified intervals' });
    g.append(svg('line', { class: 'axis', x1: L, y1: H - B, x2: W - 10, y2: H - B }));
    g.append(svg('line', { class: 'axis', x1: L, y1: 10, x2: L, y2: H - B }));
    g.append(svg('text', { x: L - 6, y: 16, 'text-anchor': 'end' }, num(Math.round(max))));
    g.append(svg('text', { x: L - 6, y: H - B, 'text-anchor': 'end' }, '0'));
    slots.forEach((s, i) => {
      const x = L + i * w + 0.5;
      if (s.gap || !s.count) {
        g.append(svg('rect', { class: s.gap ? 'gap' : 'empty', x, y: H - B - 6, width: Math.max(1, w - 1), height: 6,
          'data-start': s.start }));
      } else {
        const h = Math.max(1, (values[i] / max) * (H - B - 20));
        const r = svg('rect', { class: 'bar', x, y: H - B - h, width: Math.max(1, w - 1), height: h, 'data-start': s.start });
        r.append(svg('title', {}, time(s.start) + ': ' + s.count + ' samples, average ' + num(Math.round(values[i]))));
        g.append(r);
      }
    });
    g.append(svg('text', { x: L, y: H - 8 }, time(slots[0].start)));
    g.append(svg('text', { x: W - 10, y: H - 8, 'text-anchor': 'end' }, time(slots[slots.length - 1].end)));
    return g;
  }

  function renderAudit(audits) {
    const items = [];
    for (const [id, a] of audits) {
      if (!a) continue;
      if (a.error) {
        items.push(el('li', { class: 'muted' }, id + ': not audited here (' + a.error + ')'));
      } else if (a.ok) {
        items.push(el('li', { class: 'ok' }, id + ': no tamper findings; ' + num(a.intervals) + ' intervals and ' + num(a.samples)
          + ' samples match the ledger'));
      } else {
        for (const f of a.mismatches) {
          items.push(el('li', { class: 'bad' }, id + ': interval ' + time(f.start) + '–' + time(f.end) + ' does not match the ledger ('
            + (f.fields || []).join(', ') + (f.failure ? '; ' + f.failure : '') + ')'));
        }
      }
    }
    $('audit').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, 'Nothing to audit yet.')]));
  }

  // ------------------------------------------------------------------ demand response

  function lineChart(baseline, actual, slotMinutes) {
    const W = 440;
    const H = 170;
    const L = 56;
    const B = 24;
    const n = Math.max(baseline.length, actual.length, 1);
    const max = Math.max(1, ...baseline, ...actual);
    const x = (i) => L + (n === 1 ? 0 : (i * (W - L - 10)) / (n - 1));
    const y = (v) => H - B - (v / max) * (H - B - 14);
    const g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'baseline against actual' });
    g.append(svg('line', { class: 'axis', x1: L, y1: H - B, x2: W - 10, y2: H - B }));
    g.append(svg('line', { class: 'axis', x1: L, y1: 8, x2: L, y2: H - B }));
    g.append(svg('text', { x: L - 6, y: 16, 'text-anchor': 'end' }, num(max)));
    g.append(svg('text', { x: L - 6, y: H - B, 'text-anchor': 'end' }, '0'));
    g.append(svg('text', { x: L, y: H - 6 }, n + ' slots of ' + slotMinutes + ' min'));
    g.append(svg('polyline', { class: 'baseline', points: baseline.map((v, i) => x(i) + ',' + y(v)).join(' ') }));
    g.append(svg('polyline', { class: 'actual', points: actual.map((v, i) => x(i) + ',' + y(v)).join(' ') }));
    return g;
  }

  async function refreshDr() {
    const events = (await all('/v1/dr/events', 'events')).sort((a, b) => b.windowStart - a.windowStart).slice(0, 10);
    const seen = events.map((e) => e.payer);
    const blocks = [];
    for (const e of events) {
      const parts = [];
      for (const asset of e.assets || []) {
        let d = null;
        try {
          d = await maybe('/v1/dr/events/' + encodeURIComponent(e.id) + '/settlements/' + encodeURIComponent(asset) + '/detail');
        } catch (err) {
          parts.push(el('div', { class: 'settlement muted', 'data-asset': asset }, asset + ': ' + (err.status === 403
            ? 'another member\'s asset: its settlement detail is private to its owner, its aggregator and the DSO of its zone'
            : err.message)));
          continue;
        }
        if (!d) {
          parts.push(el('div', { class: 'settlement muted', 'data-asset': asset }, asset + ': not settled yet'));
          continue;
        }
        const s = d.settlement || {};
        const o = d.output || {};
        seen.push(s.participantAccount, s.ownerAccount);
        parts.push(el('div', { class: 'settlement', 'data-asset': asset },
          el('strong', {}, asset), ' performance ' + ((o.performanceBps != null ? o.performanceBps : s.performanceBps) / 100) + ' %, delivered '
            + num(s.deliveredMilliWh) + ' mWh of ' + num(s.committedMilliWh) + ', reward ' + num(s.reward) + ', penalty ' + num(s.penalty),
          el('div', { class: 'chart' }, lineChart((d.input && d.input.baseline) || [], (d.input && d.input.actual) || [],
            (d.input && d.input.slotMinutes) || 15))));
      }
      blocks.push(el('div', { class: 'event', 'data-event': e.id },
        el('p', {}, el('strong', {}, e.id), ' program ' + e.programId + ', window ' + time(e.windowStart) + ' – ' + time(e.windowEnd)
          + ', budget ' + num(e.budget) + ' from ' + e.payer + ', assets ' + (e.assets || []).join(', ')),
        ...parts));
    }
    $('dr').replaceChildren(...(blocks.length
      ? [el('p', { class: 'legend' }, el('span', { class: 'key baseline' }), ' BL1 baseline ', el('span', { class: 'key actual' }),
        ' actual (certified intervals), per slot, as chaincode-dr settled them'), ...blocks]
      : [el('p', { class: 'muted' }, 'No demand-response events on the ledger.')]));
    return seen;
  }

  // ------------------------------------------------------------------ market and tokens

  async function refreshMarket() {
    const requests = (await all('/v1/market/requests', 'requests')).sort((a, b) => (b.createdAt || 0) - (a.createdAt || 0)).slice(0, 20);
    const rows = [];
    for (const r of requests) {
      let clearing = '—';
      if (r.status === 'CLEARED' || r.status === 'PAID') {
        const c = await maybe('/v1/market/requests/' + encodeURIComponent(r.id) + '/clearing');
        if (c && c.output) {
          const awards = c.output.awards || [];
          const wh = awards.reduce((s, a) => s + (a.quantityWh || 0), 0);
          clearing = c.output.status + ': ' + awards.length + ' award(s), ' + num(wh) + ' Wh'
            + (awards.length ? ' (' + awards.map((a) => a.offerId + ' ' + num(a.quantityWh) + ' Wh @ ' + num(a.price)).join('; ') + ')' : '');
        }
      }
      rows.push(el('tr', { 'data-request': r.id }, el('td', {}, r.id), el('td', {}, r.zone), el('td', {}, num(r.quantityWh)),
        el('td', {}, num(r.maxPrice)), el('td', {}, time(r.windowStart) + ' – ' + time(r.windowEnd)), el('td', {}, r.status),
        el('td', {}, clearing)));
    }
    $('market').tBodies[0].replaceChildren(...(rows.length ? rows
      : [el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No flexibility requests on the ledger.'))]));
    return requests;
  }

  async function refreshTokens(extra) {
    const accounts = new Set(['org:' + member]);
    for (const a of extra || []) if (typeof a === 'string' && a.startsWith('org:')) accounts.add(a);
    const rows = [];
    for (const account of [...accounts].sort()) {
      try {
        const b = await api('/v1/tokens/balances/' + encodeURIComponent(account));
        rows.push(el('tr', { 'data-account': account }, el('td', {}, account), el('td', { class: 'balance' }, num(b.balance))));
      } catch (e) {
        rows.push(el('tr', { 'data-account': account }, el('td', {}, account), el('td', { class: 'muted' }, e.message)));
      }
    }
    $('tokens').tBodies[0].replaceChildren(...rows);
  }

  // ------------------------------------------------------------------ charging stations (the gateway's OCPP records)

  const SESSIONS_SHOWN = 20;

  function connectorCell(s) {
    const status = s.connectorStatus || [];
    if (!status.length) return el('td', { class: 'muted' }, num(s.connectors) + ' (no status yet)');
    const bad = status.some((c) => c.status === 'Faulted' || c.status === 'Unavailable' || c.errorCode !== 'NoError');
    return el('td', { class: bad ? 'bad' : '' }, status.map((c) => 'C' + c.connectorId + ' ' + c.status
      + (c.errorCode && c.errorCode !== 'NoError' ? ' (' + c.errorCode + ')' : '') + ' since ' + time(c.at)).join('; '));
  }

  async function refreshCharging() {
    const stations = await all('/v1/ocpp/stations', 'stations', 1000);
    const sessions = (await api('/v1/ocpp/sessions?pageSize=' + SESSIONS_SHOWN)).sessions || [];
    const limits = await all('/v1/ocpp/profiles?active=true', 'profiles', 1000);
    $('stations').tBodies[0].replaceChildren(...(stations.length ? stations.map((s) => el('tr', { 'data-station': s.stationId },
      el('td', {}, s.stationId), el('td', {}, [s.vendor, s.model].filter((v) => v).join(', ') || '—'),
      el('td', { class: 'booted' }, s.bootedAt == null ? 'never' : time(s.bootedAt)), el('td', {}, time(s.lastSeen)), connectorCell(s)))
      : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No charging stations registered with this gateway (flexledger ocpp register).'))]));
    $('sessions').tBodies[0].replaceChildren(...(sessions.length ? sessions.map((x) => el('tr', { 'data-session': x.transactionId },
      el('td', {}, '#' + x.transactionId), el('td', {}, x.stationId + ' C' + x.connectorId + ' (' + x.meterId + ')'),
      el('td', {}, time(x.startedAt)), el('td', { class: x.stoppedAt == null ? 'ok' : '' }, x.stoppedAt == null ? 'charging'
        : time(x.stoppedAt) + (x.stopReason ? ' (' + x.stopReason + ')' : '')),
      el('td', {}, num(x.meterStartWh) + ' – ' + num(x.meterStopWh)), el('td', { class: 'energy' }, num(x.energyWh))))
      : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No charging sessions yet.'))]));
    $('limits').tBodies[0].replaceChildren(...(limits.length ? limits.map((p) => el('tr', { 'data-profile': p.chargingProfileId },
      el('td', {}, p.stationId), el('td', {}, p.source), el('td', { class: 'limit' }, num(p.limitW)),
      el('td', {}, time(p.validFrom) + ' – ' + time(p.validTo)),
      el('td', { class: p.status === 'Accepted' ? 'ok' : 'bad' }, p.status),
      el('td', { class: 'checked' }, p.checked == null ? '—' : p.checked)))
      : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No charging profile is in force now.'))]));
  }

  // ------------------------------------------------------------------ refreshing

  const VIEWS = ['meters', 'dr', 'market', 'tokens', 'charging'];
  /** The OCPP records change without a block (boots, status, sessions): read again this often as well. */
  const CHARGING_MS = 30000;
  let chargingTimer = null;
  /** The token accounts the DR and market views show, by view: replaced by each refresh of that view. */
  const accountsSeen = { dr: [], market: [] };
  /** The views whose last refresh failed, with why: shown until they succeed. */
  const failed = new Map();

  async function refreshView(v) {
    if (v === 'meters') await refreshMeters();
    if (v === 'dr') accountsSeen.dr = await refreshDr();
    if (v === 'market') accountsSeen.market = (await refreshMarket()).map((r) => r.payer);
    if (v === 'tokens') await refreshTokens([...new Set(accountsSeen.dr.concat(accountsSeen.market))]);
    if (v === 'charging') await refreshCharging();
  }

  /** Reads the views again, each once, however many notices asked for it meanwhile. */
  function schedule(views) {
    views.forEach((v) => dirty.add(v));
    if (timer || refreshing) return;
    timer = setTimeout(run, 200);
  }

  async function run() {
    timer = null;
    refreshing = true;
    try {
      while (dirty.size && token) {
        const views = VIEWS.filter((v) => dirty.has(v));
        dirty.clear();
        for (const v of views) {
          try {
            await refreshView(v);
            failed.delete(v);
          } catch (e) {
            if (e.status !== 401 && token) failed.set(v, { view: v, message: e.message || String(e) });
          }
        }
        showErrors([...failed.values()]);
      }
    } finally {
      refreshing = false;
      document.body.dataset.refreshed = String((Number(document.body.dataset.refreshed) || 0) + 1);
    }
  }

  /** Which views a block's chaincode events touch. */
  function affected(notice) {
    const v = new Set();
    for (const c of notice.chaincodes || []) {
      if (c === 'energy') v.add('meters');
      if (c === 'dr') { v.add('dr'); v.add('tokens'); v.add('charging'); } // a DR event sends the stations it calls a limit
      if (c === 'market') { v.add('market'); v.add('tokens'); v.add('charging'); } // so does an awarded offer
    }
    return [...v];
  }

  // ------------------------------------------------------------------ the live channel

  function setLive(state, text) {
    const l = $('live');
    l.className = 'live ' + state;
    l.textContent = text;
  }

  function onFrame(frame) {
    let event = 'message';
    const data = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      if (field === 'data') data.push(value);
    }
    if (event === 'revoked') {
      signOut('The credential of this token was revoked.');
    } else if (event === 'block') {
      const n = JSON.parse(data.join('\n'));
      setLive('on', 'live · block ' + n.block);
      $('live').dataset.block = String(n.block);
      schedule(affected(n));
    }
  }

  async function follow() {
    const gen = ++followGen;
    let backoff = 1000;
    let connectedBefore = false;
    while (token && gen === followGen) {
      const ctl = new AbortController();
      live = ctl;
      try {
        const r = await fetch('/v1/events', { headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' },
          signal: ctl.signal, cache: 'no-store' });
        if (r.status === 401) {
          signOut('The gateway refused the token: ' + (await problem(r)).message);
          return;
        }
        if (!r.ok) throw await problem(r);
        setLive('on', 'live');
        backoff = 1000;
        if (connectedBefore) schedule(VIEWS); // notices may have been missed while away: read everything again
        connectedBefore = true;
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let i;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            onFrame(buffer.slice(0, i));
            buffer = buffer.slice(i + 2);
          }
        }
      } catch (e) {
        if (ctl.signal.aborted) return;
        setLive('retry', 'reconnecting: ' + (e.message || e));
      }
      if (!token || ctl.signal.aborted || gen !== followGen) return;
      setLive('retry', 'disconnected; reconnecting in ' + Math.round(backoff / 1000) + ' s');
      await sleep(backoff);
      backoff = Math.min(30000, backoff * 2);
    }
  }

  // ------------------------------------------------------------------ signing in and out

  function signOut(message) {
    token = null;
    followGen++;
    audited.clear();
    sessionStorage.removeItem(KEY);
    if (live) live.abort();
    live = null;
    if (chargingTimer) clearInterval(chargingTimer);
    chargingTimer = null;
    setLive('off', 'not connected');
    $('board').hidden = true;
    $('signout').hidden = true;
    $('login-section').hidden = false;
    $('login-error').textContent = message || '';
  }

  async function open() {
    $('login-error').textContent = '';
    let who;
    try {
      who = await api('/v1/whoami');
    } catch (e) {
      if (e.status !== 401) signOut('The gateway did not answer: ' + e.message);
      return;
    }
    if (who.kind === 'device') {
      signOut('This is a device credential: the dashboard needs an EMS or BMS credential (flexledger credential create --kind ems).');
      return;
    }
    member = who.member;
    $('member').textContent = (member || '') + ' · ' + who.name;
    $('login-section').hidden = true;
    $('board').hidden = false;
    $('signout').hidden = false;
    schedule(VIEWS);
    if (chargingTimer) clearInterval(chargingTimer);
    chargingTimer = setInterval(() => { if (token) schedule(['charging']); }, CHARGING_MS);
    follow();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', (e) => {
      e.preventDefault();
      const t = $('token').value.trim();
      if (!t) {
        $('login-error').textContent = 'Paste a token first.';
        return;
      }
      token = t;
      sessionStorage.setItem(KEY, t);
      $('token').value = '';
      open();
    });
    $('signout').addEventListener('click', () => signOut(''));
    if (token) open();
  });
})();
