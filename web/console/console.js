/* console.js - the analyst console: one page, views drawn from the JSON
 * API (/api/v1) with the session cookie. Nothing here is trusted: the
 * server decides who sees and changes what; this file only shows it.
 *
 * Every text from the server goes into the page as text (el() sets
 * textContent), never as HTML. Changes carry the session's CSRF token in
 * X-CSRF-Token. Strings come from /console/i18n-LANG.json (web/i18n,
 * keys "console.*"); each key named here the build checks exists
 * in every language. */
'use strict';

(function () {
  const LANGS = ['id', 'en', 'zh'];
  const CATEGORIES = ['phishing', 'online_scam', 'telecom_fraud', 'investment_fraud',
    'illegal_gambling', 'malware', 'account_takeover', 'infrastructure_attack', 'data_leak',
    'other'];
  const STATUSES = ['new', 'triaged', 'investigating', 'actioned', 'closed', 'rejected'];
  const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];
  const COLORS = ['#1f6feb', '#d97706', '#059669', '#9333ea', '#dc2626', '#0891b2', '#ca8a04',
    '#4b5563', '#db2777', '#65a30d'];

  const state = {
    lang: 'en', strings: {}, user: null, csrf: null, charts: [], timers: [],
    lookups: [], selected: new Set(),
  };

  /* ---- strings ---------------------------------------------------- */

  function S(key, vars) {
    let s = state.strings[key];
    if (s === undefined) s = key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }
  function catName(c) { return S('console.cat.' + c); }
  function statusName(s) { return S('console.status.' + s); }

  async function loadStrings(lang) {
    const res = await fetch('/console/i18n-' + lang + '.json', { credentials: 'same-origin' });
    state.strings = await res.json();
    state.lang = lang;
    document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : lang;
    try { localStorage.setItem('oe.lang', lang); } catch (e) { /* private mode */ }
  }

  function pickLang() {
    let l = null;
    try { l = localStorage.getItem('oe.lang'); } catch (e) { /* private mode */ }
    if (l && LANGS.includes(l)) return l;
    for (const n of navigator.languages || [navigator.language || 'en']) {
      const p = String(n).slice(0, 2).toLowerCase();
      if (LANGS.includes(p)) return p;
    }
    return 'en';
  }

  /* ---- the DOM ------------------------------------------------------ */

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat(Infinity)) {
      if (k === null || k === undefined || k === false) continue;
      e.appendChild(typeof k === 'string' || typeof k === 'number'
        ? document.createTextNode(String(k)) : k);
    }
    return e;
  }
  function svg(tag, attrs, ...kids) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids.flat(Infinity)) if (k) e.appendChild(k);
    return e;
  }
  const $ = (id) => document.getElementById(id);

  function toast(msg, bad) {
    const t = $('toast');
    t.textContent = msg;
    t.className = bad ? 'show bad' : 'show';
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.className = ''; }, 5000);
  }

  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return new Intl.DateTimeFormat(state.lang === 'zh' ? 'zh-CN' : state.lang,
      { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }
  function fmtDuration(sec) {
    if (sec === null || sec === undefined) return '—';
    const a = Math.abs(sec);
    if (a < 90) return S('console.dur.seconds', { n: Math.round(a) });
    if (a < 3600) return S('console.dur.minutes', { n: Math.round(a / 60) });
    if (a < 172800) return S('console.dur.hours', { n: Math.round(a / 3600) });
    return S('console.dur.days', { n: Math.round(a / 86400) });
  }
  function dueText(iso) {
    const s = (new Date(iso) - Date.now()) / 1000;
    return s < 0 ? S('console.due.overdue_by', { d: fmtDuration(-s) })
      : S('console.due.in', { d: fmtDuration(s) });
  }
  function tlpBadge(t) {
    return el('span', { class: 'tlp tlp-' + String(t).replace('+', '-'), text: 'TLP:' + String(t).toUpperCase() });
  }

  /* ---- the API ------------------------------------------------------ */

  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    const res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return null;
    let j = null;
    try { j = await res.json(); } catch (e) { j = null; }
    if (!res.ok) {
      const err = (j && j.error) || {};
      const e = new ApiError(res.status, err.code || 'http_' + res.status,
        err.message || res.statusText);
      if (res.status === 401 && !path.startsWith('/api/v1/session')) {
        state.user = null;
        showSignin(S('console.signin.expired'));
      }
      throw e;
    }
    return j;
  }

  function failed(e) {
    if (e instanceof ApiError && e.status === 401) return;
    toast(S('console.error', { msg: e.message }), true);
  }

  /* ---- frame: bar, navigation, routing ------------------------------ */

  const VIEWS = [
    ['queue', 'console.nav.queue'], ['cases', 'console.nav.cases'],
    ['dashboard', 'console.nav.dashboard'], ['search', 'console.nav.search'],
  ];

  function drawBar() {
    const nav = $('nav');
    nav.replaceChildren(...VIEWS.map(([v, k]) => el('a', { href: '#/' + v, 'data-view': v, text: S(k) })));
    $('who').textContent = state.user
      ? S('console.who', { name: state.user.name, org: state.user.org, role: S('console.role.' + state.user.role) }) : '';
    $('signout').textContent = S('console.signout');
    $('skip').textContent = S('console.skip');
    $('lang-label').textContent = S('console.language');
    const sel = $('lang');
    sel.replaceChildren(...LANGS.map((l) => el('option', { value: l, selected: l === state.lang, text: S('console.lang.' + l) })));
    $('bar').hidden = !state.user;
  }

  function stopTimers() {
    for (const t of state.timers) clearInterval(t);
    state.timers = [];
    for (const c of state.charts) c.destroy();
    state.charts = [];
  }

  function page(title, ...kids) {
    stopTimers();
    document.title = title + ' · oureyes';
    const main = $('main');
    main.replaceChildren(el('h1', { text: title }), ...kids.flat(Infinity).filter((k) => k));
    for (const a of document.querySelectorAll('#nav a')) {
      const cur = location.hash.startsWith('#/' + a.dataset.view);
      if (cur) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    return main;
  }

  async function route() {
    if (!state.user) return;
    const h = location.hash.replace(/^#\/?/, '');
    const [view, ...rest] = h.split('/');
    const arg = decodeURIComponent(rest.join('/'));
    try {
      switch (view) {
        case 'report': await viewReport(arg); break;
        case 'indicator': await viewIndicator(arg); break;
        case 'cases': await viewCases(); break;
        case 'case': await viewCase(arg); break;
        case 'dashboard': await viewDashboard(); break;
        case 'search': await viewSearch(arg); break;
        case 'security': await viewSecurity(); break;
        default: await viewQueue(); break;
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        page(S('console.notfound'), el('p', { text: S('console.notfound.text') }));
      } else if (e instanceof ApiError && e.status === 403) {
        page(S('console.forbidden'), el('p', { text: e.message }));
      } else {
        failed(e);
      }
    }
  }

  /* ---- sign-in -------------------------------------------------------- */

  function showSignin(message) {
    stopTimers();
    state.user = null;
    state.csrf = null;
    drawBar();
    document.title = S('console.signin.title') + ' · oureyes';
    const err = el('p', { class: 'error', role: 'alert', id: 'signin-error', text: message || '' });
    const totpRow = el('p', { hidden: true },
      el('label', { for: 'totp', text: S('console.signin.totp') }),
      el('input', { id: 'totp', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6' }));
    const form = el('form', { class: 'signin', novalidate: true },
      el('p', {}, el('label', { for: 'username', text: S('console.signin.username') }),
        el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true })),
      el('p', {}, el('label', { for: 'password', text: S('console.signin.password') }),
        el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      totpRow, err,
      el('p', {}, el('button', { type: 'submit', id: 'signin', text: S('console.signin.submit') })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      err.textContent = '';
      const body = { username: form.username.value, password: form.password.value };
      if (!totpRow.hidden && form.totp.value) body.totp = form.totp.value;
      try {
        const j = await api('POST', '/api/v1/session', body);
        signedIn(j);
      } catch (e) {
        if (e.code === 'totp_required' || e.code === 'bad_totp') {
          totpRow.hidden = false;
          form.totp.focus();
          err.textContent = S(e.code === 'bad_totp' ? 'console.signin.bad_totp' : 'console.signin.need_totp');
        } else if (e.status === 429) {
          err.textContent = S('console.signin.slow_down');
        } else if (e.status === 401) {
          err.textContent = S('console.signin.bad');
        } else {
          err.textContent = S('console.error', { msg: e.message });
        }
      }
    });
    const main = $('main');
    main.replaceChildren(el('div', { class: 'signin-box' },
      el('img', { src: '/static/logo.svg', alt: '', width: '48', height: '48' }),
      el('h1', { text: S('console.signin.title') }),
      el('p', { class: 'muted', text: S('console.signin.intro') }),
      el('p', {}, el('label', { for: 'signin-lang', text: S('console.language') }), ' ',
        el('select', { id: 'signin-lang', onchange: async (e) => { await loadStrings(e.target.value); showSignin(); } },
          LANGS.map((l) => el('option', { value: l, selected: l === state.lang, text: S('console.lang.' + l) })))),
      form));
    form.username.focus();
  }

  function signedIn(j) {
    state.user = j.user;
    state.csrf = j.csrf;
    drawBar();
    if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/queue';
    else route();
  }

  async function signOut() {
    try { await api('DELETE', '/api/v1/session'); } catch (e) { /* gone already */ }
    location.hash = '';
    showSignin(S('console.signin.out'));
  }

  /* ---- queue ---------------------------------------------------------- */

  async function viewQueue() {
    const p = new URLSearchParams(location.hash.split('?')[1] || '');
    const status = p.get('status') || 'open';
    const category = p.get('category') || '';
    const overdue = p.get('overdue') === 'true';
    const filters = el('form', { class: 'filters', 'aria-label': S('console.queue.filters') },
      el('label', { for: 'f-status', text: S('console.queue.status') }),
      el('select', { id: 'f-status', name: 'status' },
        [['open', S('console.queue.open')], ['', S('console.queue.all')]].concat(STATUSES.map((s) => [s, statusName(s)]))
          .map(([v, t]) => el('option', { value: v, selected: v === status, text: t }))),
      el('label', { for: 'f-category', text: S('console.queue.category') }),
      el('select', { id: 'f-category', name: 'category' },
        [el('option', { value: '', text: S('console.queue.any') })].concat(CATEGORIES.map((c) => el('option', { value: c, selected: c === category, text: catName(c) })))),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'f-overdue', name: 'overdue', checked: overdue }), S('console.queue.overdue_only')),
      el('button', { type: 'submit', text: S('console.queue.apply') }));
    filters.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      q.set('status', filters.status.value);
      if (filters.category.value) q.set('category', filters.category.value);
      if (filters.overdue.checked) q.set('overdue', 'true');
      location.hash = '#/queue?' + q.toString();
    });
    state.selected = new Set();
    const tbody = el('tbody', {});
    const count = el('span', { class: 'muted', 'aria-live': 'polite' });
    const bulkStatus = el('select', { id: 'bulk-status', 'aria-label': S('console.queue.bulk_status') },
      el('option', { value: '', text: S('console.queue.bulk_keep') }), STATUSES.map((s) => el('option', { value: s, text: statusName(s) })));
    const bulk = el('div', { class: 'bulk' },
      bulkStatus,
      el('label', { class: 'check' }, el('input', { type: 'checkbox', id: 'bulk-assign' }), S('console.queue.assign_me')),
      el('button', { type: 'button', id: 'bulk-apply', text: S('console.queue.bulk_apply'), onclick: () => bulkApply(bulkStatus.value, $('bulk-assign').checked) }),
      count);
    const table = el('table', { class: 'grid', id: 'queue' },
      el('caption', { class: 'vh', text: S('console.queue.caption') }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, el('input', { type: 'checkbox', id: 'sel-all', 'aria-label': S('console.queue.select_all'), onchange: (e) => {
          for (const c of tbody.querySelectorAll('input[type=checkbox]')) { c.checked = e.target.checked; c.dispatchEvent(new Event('change')); }
        } })),
        ['console.queue.due', 'console.queue.category', 'console.queue.status', 'console.queue.received', 'console.queue.assignee', 'console.queue.indicators']
          .map((k) => el('th', { scope: 'col', text: S(k) })))),
      tbody);
    const more = el('button', { type: 'button', class: 'more', hidden: true, text: S('console.more') });
    page(S('console.queue.title'), filters, bulk, table, more);
    function updCount() { count.textContent = S('console.queue.selected', { n: state.selected.size }); }
    updCount();
    let cursor = null;
    async function load() {
      const q = new URLSearchParams({ limit: '50' });
      if (status) q.set('status', status);
      if (category) q.set('category', category);
      if (overdue) q.set('overdue', 'true');
      if (cursor) q.set('cursor', cursor);
      const j = await api('GET', '/api/v1/reports?' + q.toString());
      for (const r of j.reports) {
        const cb = el('input', { type: 'checkbox', 'aria-label': S('console.queue.select', { id: r.id }), onchange: (e) => {
          if (e.target.checked) state.selected.add(r.id); else state.selected.delete(r.id);
          updCount();
        } });
        tbody.appendChild(el('tr', { class: r.overdue ? 'overdue' : '' },
          el('td', {}, cb),
          el('td', {}, r.overdue ? el('strong', { class: 'late', text: dueText(r.due_at) }) : dueText(r.due_at)),
          el('td', {}, el('a', { href: '#/report/' + encodeURIComponent(r.id), text: catName(r.category) })),
          el('td', { text: statusName(r.status) }),
          el('td', { text: fmtTime(r.created) }),
          el('td', { text: r.assignee || '—' }),
          el('td', { text: String(r.indicators) })));
      }
      if (!tbody.firstChild) tbody.appendChild(el('tr', {}, el('td', { colspan: '7', class: 'muted', text: S('console.queue.empty') })));
      cursor = j.next;
      more.hidden = !cursor;
    }
    more.addEventListener('click', () => load().catch(failed));
    await load();
  }

  async function bulkApply(status, assignMe) {
    if (!state.selected.size || (!status && !assignMe)) {
      toast(S('console.queue.bulk_none'), true);
      return;
    }
    const body = {};
    if (status) body.status = status;
    if (assignMe) body.assignee = state.user.name;
    let ok = 0, bad = 0;
    for (const id of state.selected) {
      try { await api('PATCH', '/api/v1/reports/' + encodeURIComponent(id), body); ok++; } catch (e) { bad++; }
    }
    toast(S('console.queue.bulk_done', { ok, bad }), bad > 0);
    await route();
  }

  /* ---- one report ------------------------------------------------------ */

  function dl(pairs) {
    return el('dl', { class: 'facts' }, pairs.map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
  }

  async function showEvidence(f, box) {
    box.replaceChildren(el('p', { class: 'muted', text: S('console.loading') }));
    const res = await fetch('/api/v1/evidence/' + encodeURIComponent(f.sha256), { credentials: 'same-origin' });
    if (!res.ok) { box.replaceChildren(el('p', { class: 'error', text: S('console.evidence.failed') })); return; }
    const blob = await res.blob();
    const url = URL.createObjectURL(new Blob([blob], { type: f.type }));
    if (f.type.startsWith('image/')) {
      box.replaceChildren(el('img', { src: url, alt: S('console.evidence.image', { name: f.name || f.sha256 }), class: 'evidence' }));
    } else if (f.type === 'application/pdf') {
      /* No scripts, no forms, no navigation, another origin. */
      box.replaceChildren(el('iframe', { src: url, sandbox: '', title: S('console.evidence.pdf', { name: f.name || f.sha256 }), class: 'evidence' }));
    } else {
      box.replaceChildren(el('p', { class: 'muted', text: S('console.evidence.no_preview') }));
    }
  }

  function auditBox(objectId) {
    const box = el('section', { class: 'audit', 'aria-labelledby': 'audit-h' }, el('h2', { id: 'audit-h', text: S('console.audit.title') }));
    const body = el('div', {}, el('p', { class: 'muted', text: S('console.loading') }));
    box.appendChild(body);
    api('GET', '/api/v1/audit?limit=100&object=' + encodeURIComponent(objectId)).then((j) => {
      if (!j.entries.length) { body.replaceChildren(el('p', { class: 'muted', text: S('console.audit.none') })); return; }
      body.replaceChildren(el('table', { class: 'grid small' },
        el('thead', {}, el('tr', {}, ['console.audit.when', 'console.audit.who', 'console.audit.what', 'console.audit.detail'].map((k) => el('th', { scope: 'col', text: S(k) })))),
        el('tbody', {}, j.entries.map((a) => el('tr', {}, el('td', { text: fmtTime(a.ts) }), el('td', { text: a.actor }), el('td', { text: a.action }), el('td', { text: a.detail || '' }))))));
    }).catch((e) => body.replaceChildren(el('p', { class: 'muted', text: e.status === 403 ? S('console.audit.denied') : S('console.error', { msg: e.message }) })));
    return box;
  }

  async function caseChooser(kind, id) {
    /* "Add to case": the open cases this analyst can see. */
    const j = await api('GET', '/api/v1/cases?status=open&limit=100');
    const sel = el('select', { id: 'add-case-' + kind, 'aria-label': S('console.case.choose') },
      el('option', { value: '', text: S('console.case.choose') }), j.cases.map((c) => el('option', { value: c.id, text: c.title })));
    const btn = el('button', { type: 'button', text: S('console.case.add'), onclick: async () => {
      if (!sel.value) return;
      const body = {}; body[kind] = [id];
      try {
        await api('POST', '/api/v1/cases/' + encodeURIComponent(sel.value) + '/links', body);
        toast(S('console.case.added'));
      } catch (e) { failed(e); }
    } });
    return el('p', { class: 'inline' }, sel, btn);
  }

  async function viewReport(id) {
    const r = await api('GET', '/api/v1/reports/' + encodeURIComponent(id));
    const canWrite = state.user.role === 'analyst' || state.user.role === 'admin';
    const statusSel = el('select', { id: 'r-status' }, STATUSES.map((s) => el('option', { value: s, selected: s === r.status, text: statusName(s) })));
    const assignee = el('input', { id: 'r-assignee', value: r.assignee || '', autocomplete: 'off' });
    const actions = el('form', { class: 'actions' },
      el('label', { for: 'r-status', text: S('console.queue.status') }), statusSel,
      el('label', { for: 'r-assignee', text: S('console.queue.assignee') }), assignee,
      el('button', { type: 'submit', text: S('console.save'), disabled: !canWrite }));
    actions.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      if (statusSel.value !== r.status) body.status = statusSel.value;
      if (assignee.value !== (r.assignee || '')) body.assignee = assignee.value || null;
      try { await api('PATCH', '/api/v1/reports/' + encodeURIComponent(id), body); toast(S('console.saved')); await route(); } catch (e) { failed(e); }
    });
    const facts = dl([
      [S('console.queue.category'), catName(r.category)],
      [S('console.queue.status'), statusName(r.status)],
      [S('console.report.deadline'), el('span', { class: r.overdue ? 'late' : '', text: fmtTime(r.due_at) + ' (' + dueText(r.due_at) + ')' })],
      [S('console.queue.received'), fmtTime(r.created)],
      [S('console.report.occurred'), fmtTime(r.occurred_at)],
      [S('console.report.loss'), r.loss ? r.loss.amount + ' ' + r.loss.currency : '—'],
      ['TLP', tlpBadge(r.tlp)],
      [S('console.report.reward'), S('console.reward.' + r.reward.state) + (r.reward.amount ? ' · ' + r.reward.amount + ' ' + (r.reward.currency || '') : '')],
      [S('console.report.language'), r.lang],
    ]);
    const inds = el('table', { class: 'grid', id: 'extracted' },
      el('thead', {}, el('tr', {}, ['console.ind.value', 'console.ind.type', 'console.ind.correlation'].map((k) => el('th', { scope: 'col', text: S(k) })))),
      el('tbody', {}, r.extracted.map((x) => el('tr', {},
        el('td', {}, el('a', { href: '#/indicator/' + encodeURIComponent(x.id), text: x.value }), x.warninglist ? el('span', { class: 'warn', text: ' ' + S('console.ind.warninglist', { list: x.warninglist }) }) : null),
        el('td', { text: S('console.type.' + x.type) }),
        el('td', { class: 'corr', text: S('console.ind.correlates', {
          reports: x.correlations.other_reports.reports, sightings: x.correlations.sightings,
          events: x.correlations.events, partner: x.correlations.partner_events,
        }) })))));
    const evid = el('ul', { class: 'files' }, r.evidence.map((f) => {
      const box = el('div', { class: 'viewer' });
      return el('li', {},
        el('span', { text: (f.name || f.sha256.slice(0, 12)) + ' · ' + f.type + ' · ' + Math.ceil(f.size / 1024) + ' KiB' }), ' ',
        (f.type.startsWith('image/') || f.type === 'application/pdf') ? el('button', { type: 'button', class: 'link', text: S('console.evidence.view'), onclick: () => showEvidence(f, box).catch(failed) }) : null, ' ',
        el('a', { href: '/api/v1/evidence/' + encodeURIComponent(f.sha256), download: f.name || f.sha256, text: S('console.evidence.download') }),
        box);
    }));
    const msgs = el('ol', { class: 'conversation' }, r.conversation.map((m) => el('li', { class: m.from },
      el('p', { class: 'meta', text: (m.from === 'analyst' ? (m.actor || S('console.msg.analyst')) : S('console.msg.reporter')) + ' · ' + fmtTime(m.at) }),
      el('p', { class: 'body', text: m.body || '' }))));
    const reply = el('form', { class: 'reply' },
      el('label', { for: 'reply', text: S('console.msg.reply') }),
      el('textarea', { id: 'reply', rows: '3', maxlength: '10000' }),
      el('button', { type: 'submit', text: S('console.msg.send'), disabled: !canWrite }));
    reply.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = reply.querySelector('textarea').value.trim();
      if (!body) return;
      try { await api('POST', '/api/v1/reports/' + encodeURIComponent(id) + '/messages', { body }); toast(S('console.msg.sent')); await route(); } catch (e) { failed(e); }
    });
    const hist = el('ol', { class: 'history' }, r.history.map((h) => el('li', { text: fmtTime(h.at) + ' · ' + h.actor + ' · ' + h.field + ': ' + (h.old || '—') + ' → ' + (h.new || '—') })));
    page(S('console.report.title', { cat: catName(r.category) }),
      el('p', { class: 'muted mono', text: r.id }),
      facts, actions,
      el('section', {}, el('h2', { text: S('console.report.what') }), el('p', { class: 'description', text: r.description || S('console.report.erased') })),
      el('section', {}, el('h2', { text: S('console.report.indicators') }), r.extracted.length ? inds : el('p', { class: 'muted', text: S('console.none') })),
      el('section', {}, el('h2', { text: S('console.report.evidence') }), r.evidence.length ? evid : el('p', { class: 'muted', text: S('console.none') })),
      el('section', {}, el('h2', { text: S('console.report.messages') }), msgs, reply),
      el('section', {}, el('h2', { text: S('console.report.history') }), hist),
      canWrite ? el('section', {}, el('h2', { text: S('console.case.add_title') }), await caseChooser('reports', r.id).catch(() => null)) : null,
      auditBox(r.id));
  }

  /* ---- one indicator ------------------------------------------------- */

  function graph(ind) {
    /* The indicator in the middle, what links to it around it. */
    const nodes = [];
    if (ind.reports) {
      for (const r of ind.reports.recent.slice(0, 6)) nodes.push({ kind: 'report', label: catName(r.category), href: '#/report/' + encodeURIComponent(r.id) });
      if (ind.reports.count > 6) nodes.push({ kind: 'report', label: S('console.graph.more_reports', { n: ind.reports.count - 6 }) });
    }
    for (const e of ind.events.slice(0, 6)) nodes.push({ kind: e.partner ? 'partner' : 'event', label: e.title, href: null });
    for (const s of ind.sightings.slice(0, 6)) nodes.push({ kind: 'sighting', label: S('console.graph.sighting', { org: s.org || '?', n: s.count }) });
    if (ind.via_peer) nodes.push({ kind: 'peer', label: S('console.graph.via', { peer: ind.via_peer }) });
    for (const c of (ind.cases || []).slice(0, 4)) nodes.push({ kind: 'case', label: c.title, href: '#/case/' + encodeURIComponent(c.id) });
    const W = 640, H = 360, cx = W / 2, cy = H / 2, R = 135;
    const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'graph', role: 'group', 'aria-labelledby': 'graph-t' },
      svg('title', { id: 'graph-t', text: S('console.graph.title', { n: nodes.length }) }));
    nodes.forEach((n, i) => {
      const a = (2 * Math.PI * i) / Math.max(nodes.length, 1) - Math.PI / 2;
      n.x = cx + R * Math.cos(a) * 1.5; n.y = cy + R * Math.sin(a);
      g.appendChild(svg('line', { x1: cx, y1: cy, x2: n.x, y2: n.y, class: 'edge' }));
    });
    for (const n of nodes) {
      const label = n.label.length > 28 ? n.label.slice(0, 27) + '…' : n.label;
      const grp = svg('g', { class: 'node ' + n.kind },
        svg('circle', { cx: n.x, cy: n.y, r: 9 }),
        svg('text', { x: n.x, y: n.y + 24, 'text-anchor': 'middle', text: label }));
      if (n.href) {
        const a = svg('a', { href: n.href }, grp);
        a.appendChild(svg('title', { text: n.label }));
        g.appendChild(a);
      } else {
        g.appendChild(grp);
      }
    }
    g.appendChild(svg('g', { class: 'node center' },
      svg('circle', { cx, cy, r: 16 }),
      svg('text', { x: cx, y: cy + 34, 'text-anchor': 'middle', text: ind.value.length > 40 ? ind.value.slice(0, 39) + '…' : ind.value })));
    const legend = el('ul', { class: 'legend' }, ['report', 'event', 'partner', 'sighting', 'peer', 'case'].map((k) =>
      el('li', { class: k }, el('span', { class: 'dot', 'aria-hidden': 'true' }), S('console.graph.key.' + k))));
    return el('figure', { class: 'graphbox' }, g, legend);
  }

  async function viewIndicator(id) {
    const ind = await api('GET', '/api/v1/indicators/' + encodeURIComponent(id));
    const canWrite = state.user.role === 'analyst' || state.user.role === 'admin';
    const mine = !!ind.own;
    const c = ind.correlation;
    const headline = S('console.ind.headline', {
      reports: c.reports, sightings: c.sightings, events: c.events, partner: c.partner_events, orgs: c.orgs,
    });
    const tlpSel = el('select', { id: 'i-tlp' }, TLPS.map((t) => el('option', { value: t, selected: t === ind.tlp, text: 'TLP:' + t.toUpperCase() })));
    const groupIn = el('input', { id: 'i-group', value: ind.sharing_group ? ind.sharing_group.name : '', autocomplete: 'off' });
    const act = el('form', { class: 'actions' },
      el('label', { for: 'i-tlp', text: S('console.ind.tlp') }), tlpSel,
      el('label', { for: 'i-group', text: S('console.ind.share_group') }), groupIn,
      el('button', { type: 'submit', text: S('console.save'), disabled: !canWrite || !mine }),
      el('button', { type: 'button', id: 'i-revoke', class: 'danger', text: ind.revoked ? S('console.ind.unrevoke') : S('console.ind.revoke'), disabled: !canWrite || !mine, onclick: async () => {
        try { await api('PATCH', '/api/v1/indicators/' + encodeURIComponent(id), { revoked: !ind.revoked }); toast(S('console.saved')); await route(); } catch (e) { failed(e); }
      } }));
    act.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      if (tlpSel.value !== ind.tlp) body.tlp = tlpSel.value;
      const g = groupIn.value.trim();
      if (g !== (ind.sharing_group ? ind.sharing_group.name : '')) body.sharing_group = g || null;
      try { await api('PATCH', '/api/v1/indicators/' + encodeURIComponent(id), body); toast(S('console.saved')); await route(); } catch (e) { failed(e); }
    });
    const reports = ind.reports ? el('ul', {}, ind.reports.recent.map((r) => el('li', {},
      el('a', { href: '#/report/' + encodeURIComponent(r.id), text: catName(r.category) }), ' · ' + statusName(r.status) + ' · ' + fmtTime(r.created) + (r.duplicate_of ? ' · ' + S('console.ind.duplicate') : '')))) : el('p', { class: 'muted', text: S('console.ind.no_reports_access') });
    const events = el('ul', {}, ind.events.map((e) => el('li', { text: e.title + ' · ' + (e.org || '?') + (e.partner ? ' · ' + S('console.graph.key.partner') : '') + ' · TLP:' + e.tlp.toUpperCase() })));
    const sightings = el('ul', {}, ind.sightings.map((s) => el('li', { text: S('console.graph.sighting', { org: s.org || '?', n: s.count }) + ' · ' + fmtTime(s.last_seen) })));
    page(ind.value,
      el('p', {}, tlpBadge(ind.tlp), ' ', el('span', { class: 'muted', text: S('console.type.' + ind.type) }), ind.revoked ? el('strong', { class: 'late', text: ' ' + S('console.ind.revoked') }) : null),
      ind.warninglist ? el('p', { class: 'warn', role: 'note', text: S('console.ind.warninglist', { list: ind.warninglist }) }) : null,
      el('p', { class: 'headline', id: 'headline', text: headline }),
      graph(ind),
      dl([
        [S('console.ind.origin'), ind.source_org ? ind.source_org.name : '—'],
        [S('console.ind.via'), ind.via_peer || S('console.ind.made_here')],
        [S('console.ind.group'), ind.sharing_group ? ind.sharing_group.name : '—'],
        [S('console.ind.confidence'), String(ind.confidence)],
        [S('console.ind.first_seen'), fmtTime(ind.first_seen)],
        [S('console.ind.last_seen'), fmtTime(ind.last_seen)],
        [S('console.ind.valid_until'), fmtTime(ind.valid_until)],
      ]),
      act,
      el('section', {}, el('h2', { text: S('console.ind.reports', { n: ind.reports ? ind.reports.count : 0 }) }), reports),
      el('section', {}, el('h2', { text: S('console.ind.events', { n: ind.events.length }) }), ind.events.length ? events : el('p', { class: 'muted', text: S('console.none') })),
      el('section', {}, el('h2', { text: S('console.ind.sightings', { n: c.sightings }) }), ind.sightings.length ? sightings : el('p', { class: 'muted', text: S('console.none') })),
      canWrite ? el('section', {}, el('h2', { text: S('console.case.add_title') }), await caseChooser('indicators', ind.id).catch(() => null)) : null,
      canWrite ? eventForm(ind) : null,
      auditBox(ind.id));
  }

  function eventForm(ind) {
    /* A new event around this value, under the value's own marking. */
    const title = el('input', { id: 'ev-title', required: true, maxlength: '200', autocomplete: 'off' });
    const tlp = el('select', { id: 'ev-tlp' }, TLPS.map((x) => el('option', { value: x, selected: x === ind.tlp, text: 'TLP:' + x.toUpperCase() })));
    const form = el('form', { class: 'inline', id: 'event-form' },
      el('label', { for: 'ev-title', text: S('console.event.title') }), title,
      el('label', { for: 'ev-tlp', text: 'TLP' }), tlp,
      el('button', { type: 'submit', text: S('console.event.create') }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!title.value.trim()) return;
      try {
        await api('POST', '/api/v1/events', { title: title.value.trim(), tlp: tlp.value, indicators: [{ value: ind.value }] });
        toast(S('console.event.created'));
        await route();
      } catch (e) { failed(e); }
    });
    return el('section', {}, el('h2', { text: S('console.event.add_title') }), form);
  }

  /* ---- search --------------------------------------------------------- */

  async function viewSearch(q) {
    const input = el('input', { id: 'q', type: 'search', value: q || '', autocomplete: 'off' });
    const form = el('form', { class: 'inline', role: 'search' }, el('label', { for: 'q', text: S('console.search.label') }), input, el('button', { type: 'submit', text: S('console.search.go') }));
    const out = el('div', { id: 'results' });
    form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = '#/search/' + encodeURIComponent(input.value.trim()); });
    page(S('console.search.title'), form, out);
    if (!q) return;
    const j = await api('POST', '/api/v1/lookup', { values: [q] });
    const hits = [];
    for (const r of j.results || []) for (const h of r.hits || []) hits.push(h);
    if (!hits.length) { out.replaceChildren(el('p', { text: S('console.search.none', { q }) })); return; }
    out.replaceChildren(el('ul', {}, hits.map((h) => el('li', {},
      el('a', { href: '#/indicator/' + encodeURIComponent(h.indicator ? h.indicator.id : h.id), text: h.indicator ? h.indicator.value : h.value }),
      ' · ' + (h.how || '') + ' · TLP:' + String((h.indicator || h).tlp).toUpperCase()))));
  }

  /* ---- cases ------------------------------------------------------------ */

  async function viewCases() {
    const p = new URLSearchParams(location.hash.split('?')[1] || '');
    const status = p.get('status') || 'open';
    const j = await api('GET', '/api/v1/cases?limit=100&status=' + encodeURIComponent(status));
    const canWrite = state.user.role === 'analyst' || state.user.role === 'admin';
    const list = el('table', { class: 'grid', id: 'cases' },
      el('thead', {}, el('tr', {}, ['console.case.name', 'console.queue.status', 'TLP', 'console.case.origin', 'console.case.modified', 'console.case.counts'].map((k) => el('th', { scope: 'col', text: k === 'TLP' ? k : S(k) })))),
      el('tbody', {}, j.cases.length ? j.cases.map((c) => el('tr', {},
        el('td', {}, el('a', { href: '#/case/' + encodeURIComponent(c.id), text: c.title })),
        el('td', { text: S('console.case.status.' + c.status) }),
        el('td', {}, tlpBadge(c.tlp)),
        el('td', { text: c.origin_org || '' }),
        el('td', { text: fmtTime(c.modified) }),
        el('td', { text: S('console.case.counts_text', { r: c.counts.reports, i: c.counts.indicators, t: c.counts.tasks_open, n: c.counts.notes }) })))
        : el('tr', {}, el('td', { colspan: '6', class: 'muted', text: S('console.case.empty') }))));
    const form = el('form', { class: 'stack', id: 'new-case' },
      el('h2', { text: S('console.case.new') }),
      el('p', {}, el('label', { for: 'c-title', text: S('console.case.name') }), el('input', { id: 'c-title', required: true, maxlength: '200' })),
      el('p', {}, el('label', { for: 'c-desc', text: S('console.case.description') }), el('textarea', { id: 'c-desc', rows: '3' })),
      el('p', {}, el('label', { for: 'c-tlp', text: 'TLP' }), el('select', { id: 'c-tlp' }, TLPS.map((t) => el('option', { value: t, selected: t === 'amber', text: 'TLP:' + t.toUpperCase() })))),
      el('p', {}, el('label', { for: 'c-group', text: S('console.ind.share_group') }), el('input', { id: 'c-group', autocomplete: 'off' })),
      el('p', {}, el('label', { for: 'c-parts', text: S('console.case.participants_input') }), el('input', { id: 'c-parts', autocomplete: 'off', 'aria-describedby': 'c-parts-hint' }),
        el('span', { id: 'c-parts-hint', class: 'muted small', text: S('console.case.participants_hint') })),
      el('p', {}, el('button', { type: 'submit', text: S('console.case.create'), disabled: !canWrite })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { title: $('c-title').value.trim(), description: $('c-desc').value.trim() || undefined, tlp: $('c-tlp').value };
      if ($('c-group').value.trim()) body.sharing_group = $('c-group').value.trim();
      const parts = $('c-parts').value.split(',').map((x) => x.trim()).filter((x) => x);
      if (parts.length) body.participants = parts;
      try { const c = await api('POST', '/api/v1/cases', body); location.hash = '#/case/' + encodeURIComponent(c.id); } catch (e) { failed(e); }
    });
    const tabs = el('p', { class: 'tabs' },
      el('a', { href: '#/cases?status=open', 'aria-current': status === 'open' ? 'page' : null, text: S('console.case.status.open') }), ' · ',
      el('a', { href: '#/cases?status=closed', 'aria-current': status === 'closed' ? 'page' : null, text: S('console.case.status.closed') }));
    page(S('console.case.title'), tabs, list, canWrite ? form : null);
  }

  async function viewCase(id) {
    const c = await api('GET', '/api/v1/cases/' + encodeURIComponent(id));
    const canWrite = state.user.role === 'analyst' || state.user.role === 'admin';
    const base = '/api/v1/cases/' + encodeURIComponent(id);
    const tasks = el('ul', { class: 'tasks', id: 'tasks' }, c.tasks.map((t) => el('li', {},
      el('label', { class: 'check' }, el('input', { type: 'checkbox', checked: t.done, disabled: !canWrite, onchange: async (e) => {
        try { await api('PATCH', base + '/tasks/' + encodeURIComponent(t.id), { done: e.target.checked }); toast(S('console.saved')); await route(); } catch (err) { failed(err); }
      } }), t.title),
      el('span', { class: 'muted', text: ' · ' + (t.assignee || S('console.case.nobody')) + (t.due ? ' · ' + S('console.case.due', { d: fmtTime(t.due) }) : '') + (t.org ? ' · ' + t.org : '') }))));
    const taskForm = el('form', { class: 'inline' },
      el('label', { for: 't-title', text: S('console.case.task') }), el('input', { id: 't-title', required: true }),
      el('label', { for: 't-assignee', text: S('console.queue.assignee') }), el('input', { id: 't-assignee' }),
      el('label', { for: 't-due', text: S('console.case.due_label') }), el('input', { id: 't-due', type: 'date' }),
      el('button', { type: 'submit', text: S('console.case.add_task'), disabled: !canWrite }));
    taskForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { title: $('t-title').value.trim() };
      if ($('t-assignee').value.trim()) body.assignee = $('t-assignee').value.trim();
      if ($('t-due').value) body.due = $('t-due').value + 'T00:00:00Z';
      try { await api('POST', base + '/tasks', body); await route(); } catch (e) { failed(e); }
    });
    const notes = el('ol', { class: 'notes', id: 'notes' }, c.notes.map((n) => el('li', {},
      el('p', { class: 'meta', text: n.author + ' · ' + n.org + ' · ' + fmtTime(n.created) }),
      el('p', { class: 'body', text: n.text }))));
    const noteForm = el('form', { class: 'reply' },
      el('label', { for: 'n-text', text: S('console.case.note') }), el('textarea', { id: 'n-text', rows: '3' }),
      el('button', { type: 'submit', text: S('console.case.add_note'), disabled: !canWrite }));
    noteForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = $('n-text').value.trim();
      if (!text) return;
      try { await api('POST', base + '/notes', { text }); await route(); } catch (e) { failed(e); }
    });
    const statusBtn = el('button', { type: 'button', id: 'case-status', disabled: !canWrite, text: c.status === 'open' ? S('console.case.close') : S('console.case.reopen'), onclick: async () => {
      try { await api('PATCH', base, { status: c.status === 'open' ? 'closed' : 'open' }); await route(); } catch (e) { failed(e); }
    } });
    const timeline = el('ol', { class: 'history' }, c.timeline.map((t) => el('li', { text: fmtTime(t.ts) + ' · ' + t.actor + (t.org ? ' (' + t.org + ')' : '') + ' · ' + t.text })));
    page(c.title,
      el('p', {}, tlpBadge(c.tlp), ' ', el('span', { class: 'muted', text: S('console.case.status.' + c.status) }), ' ', statusBtn),
      c.description ? el('p', { class: 'description', text: c.description }) : null,
      dl([
        [S('console.case.origin'), c.origin_org + (c.origin_node && c.origin_node !== c.origin_org ? ' · ' + c.origin_node : '')],
        [S('console.ind.group'), c.sharing_group || '—'],
        [S('console.case.participants'), el('ul', { class: 'plain', id: 'participants' }, c.participants.map((p) => el('li', { text: p.org + (p.country ? ' (' + p.country + ')' : '') + (p.node && p.node !== p.org ? ' · ' + p.node : '') })))],
        [S('console.case.modified'), fmtTime(c.modified)],
      ]),
      el('section', {}, el('h2', { text: S('console.case.linked') }),
        el('ul', { id: 'links' },
          c.reports.map((r) => el('li', {}, el('a', { href: '#/report/' + encodeURIComponent(r.id), text: S('console.case.report', { cat: catName(r.category) }) }), ' · ' + statusName(r.status))),
          c.indicators.map((i) => el('li', {}, el('a', { href: '#/indicator/' + encodeURIComponent(i.id), text: i.value }), ' · ' + S('console.type.' + i.type) + ' · TLP:' + String(i.tlp).toUpperCase())),
          c.events.map((e) => el('li', { text: e.title })))),
      el('section', {}, el('h2', { text: S('console.case.tasks') }), tasks, taskForm),
      el('section', {}, el('h2', { text: S('console.case.notes') }), notes, noteForm),
      el('section', {}, el('h2', { text: S('console.case.timeline') }), timeline),
      auditBox(c.id));
  }

  /* ---- dashboard ------------------------------------------------------ */

  function chartBox(id, label, table) {
    /* A canvas for the eye, the same figures as a table for everyone. */
    return el('figure', { class: 'chart' },
      el('div', { class: 'canvas' }, el('canvas', { id, role: 'img', 'aria-label': label })),
      el('figcaption', {}, el('details', {}, el('summary', { text: label }), table)));
  }
  function tableOf(head, rows) {
    return el('table', { class: 'grid small' }, el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: String(c) }))))));
  }
  function chart(id, cfg) {
    if (typeof Chart === 'undefined') return;
    cfg.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, cfg.options || {});
    state.charts.push(new Chart($(id), cfg));
  }

  async function viewDashboard() {
    const [st, peers] = await Promise.all([api('GET', '/api/v1/stats?days=30&top=10'), api('GET', '/api/v1/peers').catch(() => ({ peers: [] }))]);
    const d = st.reports_per_day;
    const cats = CATEGORIES.filter((c) => d.by_category[c] && d.by_category[c].some((n) => n > 0));
    const perDayRows = d.dates.map((date, i) => [date].concat(cats.map((c) => d.by_category[c][i])));
    const openRows = CATEGORIES.map((c) => [catName(c), st.open.by_category[c], st.open.overdue_by_category[c]]).filter((r) => r[1] > 0);
    const topBox = el('div', { class: 'tops' }, Object.entries(st.top_reported).map(([type, rows]) => el('section', { class: 'top' },
      el('h3', { text: S('console.dash.top', { type: S('console.type.' + type) }) }),
      rows.length ? el('ol', {}, rows.map((r) => el('li', {}, el('a', { href: '#/indicator/' + encodeURIComponent(r.id), text: r.value }), ' · ' + S('console.dash.reports_n', { n: r.reports }))))
        : el('p', { class: 'muted', text: S('console.none') }))));
    const peerTable = tableOf([S('console.dash.peer'), S('console.dash.last_success'), S('console.dash.lag'), S('console.dash.last_error')],
      (peers.peers || []).map((p) => [p.name + (p.org !== p.name ? ' (' + p.org + ')' : ''),
        p.pulls ? fmtTime(p.last_success) : S('console.dash.no_pull'),
        p.lag_seconds === null || p.lag_seconds === undefined ? '—' : fmtDuration(p.lag_seconds),
        p.last_error || '—']));
    const lookupsNow = el('p', { class: 'big', id: 'lookups-rate', text: '—' });
    page(S('console.nav.dashboard'),
      el('div', { class: 'kpis' },
        el('div', { class: 'kpi' }, el('p', { class: 'big', id: 'kpi-open', text: String(st.open.total) }), el('p', { text: S('console.dash.open') })),
        el('div', { class: 'kpi bad' }, el('p', { class: 'big', id: 'kpi-overdue', text: String(st.open.overdue) }), el('p', { text: S('console.dash.overdue') })),
        el('div', { class: 'kpi' }, el('p', { class: 'big', id: 'kpi-triage', text: fmtDuration(st.time_to_triage.p50_seconds) }), el('p', { text: S('console.dash.triage', { p90: fmtDuration(st.time_to_triage.p90_seconds), n: st.time_to_triage.count }) })),
        el('div', { class: 'kpi' }, el('p', { class: 'big', id: 'kpi-total', text: String(d.total) }), el('p', { text: S('console.dash.reports_days', { n: st.days }) })),
        el('div', { class: 'kpi' }, lookupsNow, el('p', { text: S('console.dash.lookups') }))),
      el('div', { class: 'charts' },
        chartBox('ch-days', S('console.dash.per_day'), tableOf([S('console.dash.date')].concat(cats.map(catName)), perDayRows)),
        chartBox('ch-open', S('console.dash.open_overdue'), tableOf([S('console.queue.category'), S('console.dash.open'), S('console.dash.overdue')], openRows)),
        chartBox('ch-lookups', S('console.dash.lookups_chart'), el('p', { class: 'muted', text: S('console.dash.lookups_note') }))),
      el('h2', { text: S('console.dash.top_title') }), topBox,
      el('h2', { text: S('console.dash.peers') }), (peers.peers || []).length ? peerTable : el('p', { class: 'muted', text: S('console.dash.no_peers') }));
    chart('ch-days', {
      type: 'bar',
      data: { labels: d.dates.map((x) => x.slice(5)), datasets: cats.map((c, i) => ({ label: catName(c), data: d.by_category[c], backgroundColor: COLORS[i % COLORS.length] })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
    chart('ch-open', {
      type: 'bar',
      data: { labels: openRows.map((r) => r[0]), datasets: [
        { label: S('console.dash.open'), data: openRows.map((r) => r[1] - r[2]), backgroundColor: '#1f6feb' },
        { label: S('console.dash.overdue'), data: openRows.map((r) => r[2]), backgroundColor: '#dc2626' }] },
      options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } },
    });
    /* Lookups per second: the counter's rate between two reads. */
    const samples = [{ t: Date.now(), n: st.lookups_total }];
    chart('ch-lookups', {
      type: 'line',
      data: { labels: [], datasets: [{ label: S('console.dash.lookups'), data: [], borderColor: '#059669', pointRadius: 0 }] },
      options: { scales: { y: { beginAtZero: true } } },
    });
    const lchart = state.charts[state.charts.length - 1];
    state.timers.push(setInterval(async () => {
      try {
        const s = await api('GET', '/api/v1/stats?days=1&top=1');
        const now = Date.now(), prev = samples[samples.length - 1];
        const rate = (s.lookups_total - prev.n) / ((now - prev.t) / 1000);
        samples.push({ t: now, n: s.lookups_total });
        lookupsNow.textContent = rate.toFixed(rate < 10 ? 1 : 0);
        if (lchart) {
          lchart.data.labels.push(new Date(now).toLocaleTimeString());
          lchart.data.datasets[0].data.push(rate);
          if (lchart.data.labels.length > 60) { lchart.data.labels.shift(); lchart.data.datasets[0].data.shift(); }
          lchart.update();
        }
      } catch (e) { /* shown on the next view */ }
    }, 5000));
  }

  /* ---- second factor ----------------------------------------------- */

  async function viewSecurity() {
    const out = el('div', {});
    const start = el('button', { type: 'button', id: 'totp-start', text: S('console.totp.start'), onclick: async () => {
      try {
        const j = await api('POST', '/api/v1/session/totp');
        const code = el('input', { id: 'totp-code', inputmode: 'numeric', maxlength: '6', autocomplete: 'one-time-code' });
        const form = el('form', { class: 'inline' }, el('label', { for: 'totp-code', text: S('console.signin.totp') }), code, el('button', { type: 'submit', text: S('console.totp.confirm') }));
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          try { await api('POST', '/api/v1/session/totp/confirm', { code: code.value }); toast(S('console.totp.on')); await route(); } catch (e) { failed(e); }
        });
        out.replaceChildren(el('p', { text: S('console.totp.secret') }), el('p', { class: 'mono', id: 'totp-secret', text: j.secret }), el('p', { class: 'mono small', text: j.uri }), form);
      } catch (e) { failed(e); }
    } });
    page(S('console.totp.title'),
      el('p', { text: state.user.totp ? S('console.totp.is_on') : S('console.totp.is_off') }),
      state.user.totp ? null : start, out);
  }

  /* ---- start ------------------------------------------------------------ */

  async function start() {
    await loadStrings(pickLang());
    $('lang').addEventListener('change', async (e) => { await loadStrings(e.target.value); drawBar(); route(); });
    $('signout').addEventListener('click', signOut);
    window.addEventListener('hashchange', route);
    VIEWS.push(['security', 'console.nav.security']);
    try {
      const j = await api('GET', '/api/v1/session');
      signedIn(j);
    } catch (e) {
      showSignin();
    }
  }

  start();
})();
