/* app.js - improves the public pages; every page works without it.
 *
 * - the report form is sent with fetch to the public API and the receipt
 *   is shown in place, with a copy button;
 * - the check form asks the public API and shows the answer in place;
 * - files are checked (count, size, type) before anything is uploaded;
 * - "add another detail" reveals or adds identifier rows.
 *
 * Plain ES2017, no framework, no build step. The strings come translated
 * from the page (data-strings attributes), so this file holds no text of
 * its own; the Content-Security-Policy allows no inline script or style,
 * so nothing here writes any. */
'use strict';

(function () {
	const STR = {};
	document.querySelectorAll('[data-strings]').forEach((el) => {
		try {
			Object.assign(STR, JSON.parse(el.getAttribute('data-strings') || '{}'));
		} catch (e) {
			/* a page without strings still works, in its own words */
		}
	});
	const S = (key) => STR[key] || key;
	const lang = document.documentElement.getAttribute('lang') || 'id';
	const locale = { id: 'id-ID', en: 'en-GB', zh: 'zh-CN' }[lang] || lang;

	function el(tag, attrs, text) {
		const e = document.createElement(tag);
		Object.keys(attrs || {}).forEach((k) => e.setAttribute(k, attrs[k]));
		if (text !== undefined && text !== null) e.textContent = String(text);
		return e;
	}

	function formatDate(s) {
		if (!s) return S('common.never');
		const d = new Date(s);
		if (isNaN(d.getTime())) return String(s);
		try {
			return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
		} catch (e) {
			return d.toISOString().slice(0, 10);
		}
	}

	/* ---- errors, beside their field and in a summary ---------------- */

	function clearErrors(form) {
		form.querySelectorAll('.js-error').forEach((e) => e.remove());
		form.querySelectorAll('[data-js-invalid]').forEach((input) => {
			input.removeAttribute('data-js-invalid');
			input.removeAttribute('aria-invalid');
			const ids = (input.getAttribute('aria-describedby') || '')
				.split(' ')
				.filter((id) => id && !id.startsWith('js-err-'));
			input.setAttribute('aria-describedby', ids.join(' '));
		});
		const summary = document.getElementById('js-errors');
		if (summary) summary.hidden = true;
	}

	/* errors: [{id: the input's id or null, message}] */
	function showErrors(form, errors) {
		clearErrors(form);
		errors.forEach((err, i) => {
			const input = err.id && document.getElementById(err.id);
			if (!input) return;
			const p = el('p', { class: 'error js-error', id: 'js-err-' + i }, err.message);
			input.parentNode.insertBefore(p, input);
			input.setAttribute('aria-invalid', 'true');
			input.setAttribute('data-js-invalid', '1');
			const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
			ids.push(p.id);
			input.setAttribute('aria-describedby', ids.join(' '));
		});
		let summary = document.getElementById('js-errors');
		if (!summary) {
			summary = el('div', { class: 'error-summary', id: 'js-errors', role: 'alert', tabindex: '-1' });
			summary.appendChild(el('ul'));
			form.parentNode.insertBefore(summary, form);
		}
		const ul = summary.querySelector('ul');
		ul.textContent = '';
		errors.forEach((err) => {
			const li = el('li');
			if (err.id) li.appendChild(el('a', { href: '#' + err.id }, err.message));
			else li.textContent = err.message;
			ul.appendChild(li);
		});
		summary.hidden = false;
		summary.focus();
	}

	/* ---- evidence files: count, size and type before upload --------- */

	const ACCEPTED = /^(image\/|application\/pdf$|text\/plain$)/;

	function fileErrors(form) {
		const input = form.querySelector('input[type="file"]');
		if (!input) return [];
		const max = Number(form.getAttribute('data-max-files')) || 5;
		const maxBytes = Number(form.getAttribute('data-max-bytes')) || 10485760;
		const files = Array.from(input.files || []);
		const errors = [];
		if (files.length > max) errors.push({ id: input.id, message: S('err.too_many') });
		files.forEach((f) => {
			let code = null;
			if (f.size === 0) code = 'err.empty_file';
			else if (f.size > maxBytes) code = 'err.file_too_large';
			else if (f.type && !ACCEPTED.test(f.type)) code = 'err.file_type';
			if (code) errors.push({ id: input.id, message: f.name + ': ' + S(code) });
		});
		return errors;
	}

	document.querySelectorAll('form[data-max-files]').forEach((form) => {
		const input = form.querySelector('input[type="file"]');
		if (!input) return;
		input.addEventListener('change', () => {
			const errors = fileErrors(form);
			if (errors.length) showErrors(form, errors);
			else clearErrors(form);
		});
		/* Plain (not fetch) forms: stop an upload that would be refused. */
		if (form.id !== 'report-form')
			form.addEventListener('submit', (ev) => {
				const errors = fileErrors(form);
				if (errors.length) {
					ev.preventDefault();
					showErrors(form, errors);
				}
			});
	});

	/* ---- copy buttons ------------------------------------------------ */

	function wireCopy(root) {
		root.querySelectorAll('button.copy[data-copy-from]').forEach((btn) => {
			const src = document.getElementById(btn.getAttribute('data-copy-from'));
			const status = btn.parentNode.querySelector('.copy-status');
			if (!src) return;
			btn.hidden = false;
			btn.addEventListener('click', async () => {
				const text = src.getAttribute('data-receipt') || src.textContent.replace(/\s+/g, '');
				let ok = false;
				try {
					await navigator.clipboard.writeText(text);
					ok = true;
				} catch (e) {
					const range = document.createRange();
					range.selectNodeContents(src);
					const sel = window.getSelection();
					sel.removeAllRanges();
					sel.addRange(range);
					try {
						ok = document.execCommand('copy');
					} catch (e2) {
						ok = false;
					}
				}
				if (status) status.textContent = S(ok ? 'js.copied' : 'js.copy_failed');
			});
		});
	}
	wireCopy(document);

	/* ---- the report form --------------------------------------------- */

	const report = document.getElementById('report-form');
	if (report) {
		const list = document.getElementById('ident-list');
		const add = document.getElementById('add-ident');
		const maxIdents = Number(report.getAttribute('data-max-idents')) || 50;

		/* Empty rows wait behind "add another detail". */
		list.querySelectorAll('li[data-blank]').forEach((li) => {
			li.hidden = true;
		});
		const rows = () => Array.from(list.querySelectorAll('li.ident'));
		const updateAdd = () => {
			add.hidden = !rows().some((li) => li.hidden) && rows().length >= maxIdents;
		};
		updateAdd();
		add.addEventListener('click', () => {
			let row = rows().find((li) => li.hidden);
			if (!row) {
				const last = rows()[rows().length - 1];
				const n = rows().length + 1;
				row = last.cloneNode(true);
				row.id = 'ident-' + n;
				row.classList.remove('invalid');
				row.removeAttribute('data-blank');
				row.querySelectorAll('.error').forEach((e) => e.remove());
				row.querySelector('legend').textContent = S('report.ident.row') + ' ' + n;
				row.querySelectorAll('[id]').forEach((e) => {
					e.id = e.id.replace(/-\d+$/, '-' + n);
				});
				row.querySelectorAll('label[for]').forEach((e) => {
					e.setAttribute('for', e.getAttribute('for').replace(/-\d+$/, '-' + n));
				});
				row.querySelectorAll('input').forEach((e) => {
					e.value = '';
					e.removeAttribute('aria-invalid');
					e.setAttribute('aria-describedby', e.name === 'ident_value' ? 'idents-hint' : 'idents-qualifier-hint');
				});
				row.querySelector('select').selectedIndex = 0;
				list.appendChild(row);
			}
			row.hidden = false;
			updateAdd();
			row.querySelector('select').focus();
		});

		/* The input an API error names: a field, or the index-th
		 * identifier that has a value (as the service counts them). */
		const errorInput = (err) => {
			const f = err.field || '';
			if (f.startsWith('ident')) {
				const typed = rows().filter((li) => li.querySelector('input[name="ident_value"]').value.trim());
				const li = typed[err.index >= 0 ? err.index : 0];
				return li ? li.querySelector('input[name="ident_value"]').id : null;
			}
			if (f === 'files' || f === 'file') return 'evidence';
			return document.getElementById(f) ? f : null;
		};

		const status = document.getElementById('report-status');
		const button = document.getElementById('report-submit');

		const showReceipt = (json) => {
			const tmpl = document.getElementById('receipt-template');
			const page = document.getElementById('report-page');
			const node = tmpl.content.cloneNode(true);
			const digits = String(json.receipt || '');
			const num = node.getElementById ? node.getElementById('receipt-number') : node.querySelector('#receipt-number');
			num.textContent = '';
			num.setAttribute('data-receipt', digits);
			for (let i = 0; i < digits.length; i += 4) {
				num.appendChild(el('span', { class: 'digits' }, digits.slice(i, i + 4)));
				num.appendChild(document.createTextNode(' '));
			}
			const due = node.querySelector('#receipt-due');
			if (json.due_at) due.textContent = formatDate(json.due_at);
			else due.parentNode.remove();
			page.textContent = '';
			page.appendChild(node);
			wireCopy(page);
			window.scrollTo(0, 0);
			const h = document.getElementById('receipt-h');
			if (h) h.focus();
		};

		report.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const errors = fileErrors(report);
			if (errors.length) {
				showErrors(report, errors);
				return;
			}
			clearErrors(report);
			const data = new FormData(report);
			data.set('lang', lang);
			button.disabled = true;
			status.textContent = S('js.sending');
			let res;
			try {
				res = await fetch('/public/v1/reports?lang=' + encodeURIComponent(lang), {
					method: 'POST',
					body: data,
					headers: { Accept: 'application/json' },
					credentials: 'same-origin',
				});
			} catch (e) {
				button.disabled = false;
				status.textContent = '';
				showErrors(report, [{ id: null, message: S('js.network') }]);
				return;
			}
			/* No public API on this node: the plain form still works. */
			if (res.status === 404 || res.status === 405) {
				report.submit();
				return;
			}
			let json = null;
			try {
				json = await res.json();
			} catch (e) {
				json = null;
			}
			button.disabled = false;
			status.textContent = '';
			if (res.ok && json && json.receipt) {
				showReceipt(json);
				return;
			}
			const err = (json && json.error) || {};
			const fallback = { 413: 'err.too_large', 429: 'err.rate_limited', 503: 'err.unavailable' }[res.status] || 'err.internal';
			const message = err.message || S(err.code ? 'err.' + err.code : fallback);
			showErrors(report, [{ id: errorInput(err), message: message }]);
		});
	}

	/* ---- the check form ---------------------------------------------- */

	const check = document.getElementById('check-form');
	if (check) {
		const input = document.getElementById('value');
		const out = document.getElementById('check-result');
		const status = document.getElementById('check-status');
		const button = document.getElementById('check-submit');

		const row = (dl, label, value, cls) => {
			const div = el('div');
			div.appendChild(el('dt', {}, label));
			const dd = el('dd', cls ? { class: cls } : {});
			if (value instanceof Node) dd.appendChild(value);
			else dd.textContent = value;
			div.appendChild(dd);
			dl.appendChild(div);
		};

		const render = (r) => {
			const old = out.querySelector('section.result');
			if (old) old.remove();
			const sec = el('section', { class: 'result ' + (r.reported ? 'reported' : 'not-reported'), 'aria-labelledby': 'result-h' });
			sec.appendChild(el('h2', { id: 'result-h', tabindex: '-1' }, S('check.result.title')));
			sec.appendChild(el('p', { class: 'verdict' }, S(r.reported ? 'check.verdict.reported' : 'check.verdict.none')));
			const dl = el('dl', { class: 'facts' });
			row(dl, S('check.type'), STR['type.' + r.type] || r.type);
			row(dl, S('check.canonical'), r.value, 'mono');
			row(dl, S('check.reported'), S(r.reported ? 'common.yes' : 'common.no'));
			row(dl, S('check.reports'), r.reports || 0);
			row(dl, S('check.sources'), r.clear_sources || 0);
			row(dl, S('check.first'), formatDate(r.first_reported));
			row(dl, S('check.last'), formatDate(r.last_reported));
			const cats = Object.keys(r.categories || {}).filter((k) => r.categories[k] > 0);
			if (cats.length) {
				const ul = el('ul', { class: 'plain' });
				cats.forEach((k) => ul.appendChild(el('li', {}, (STR['category.' + k] || k) + ': ' + r.categories[k])));
				row(dl, S('check.categories'), ul);
			} else {
				row(dl, S('check.categories'), S('check.none'));
			}
			row(dl, S('check.verified'), S(r.verified ? 'common.yes' : 'common.no'));
			sec.appendChild(dl);
			out.insertBefore(sec, out.firstChild);
			/* The advice that no report does not mean safe stays below. */
			const advice = document.getElementById('check-advice');
			if (advice && r.advice) {
				const p = advice.querySelectorAll('p');
				if (p.length > 1) p[p.length - 1].textContent = r.advice;
			}
			sec.querySelector('h2').focus();
		};

		check.addEventListener('submit', async (ev) => {
			const value = input.value.trim();
			if (!value) return; /* the browser says it is required */
			ev.preventDefault();
			clearErrors(check);
			button.disabled = true;
			status.textContent = S('js.checking');
			let res;
			try {
				res = await fetch('/public/v1/check?value=' + encodeURIComponent(value) + '&lang=' + encodeURIComponent(lang), {
					headers: { Accept: 'application/json' },
					credentials: 'same-origin',
				});
			} catch (e) {
				button.disabled = false;
				status.textContent = '';
				showErrors(check, [{ id: null, message: S('js.network') }]);
				return;
			}
			let json = null;
			try {
				json = await res.json();
			} catch (e) {
				json = null;
			}
			button.disabled = false;
			status.textContent = '';
			if (res.ok && json && json.type) {
				render(json);
				return;
			}
			if (res.status === 404 || res.status === 405) {
				check.submit();
				return;
			}
			const err = (json && json.error) || {};
			showErrors(check, [{ id: 'value', message: err.message || S('err.invalid_value') }]);
		});
	}
})();
