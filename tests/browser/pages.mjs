// pages.mjs - the public pages in a real browser (Debian's Chromium via
// playwright-core) against a real node on loopback:
//   - the report form in Bahasa Indonesia, English and Simplified Chinese,
//     with JavaScript off (plain POST) and on (fetch, receipt in place),
//     uploading real files and reading the receipt;
//   - bad input (a file of the wrong type, an oversized file, a missing
//     description, an identifier that is no identifier) answered in the
//     reporter's language;
//   - the check page and the follow-up with the receipt just drawn;
//   - the receipt never in a URL; no script error or CSP violation;
//   - axe-core on every screen: no serious or critical violation.
// Screenshots of each screen go to $OE_ARTIFACTS. Speaks TAP.
import { TAP, Node, requireTools, strings, launch, screenshot, axeCheck } from './harness.mjs';

const { playwright } = requireTools();
const t = new TAP();
const LANGS = ['id', 'en', 'zh'];
const S = Object.fromEntries(LANGS.map((l) => [l, strings(l)]));
const MOBILE = { width: 390, height: 844 };

// A 1x1 PNG, a plain text file, and a file that only claims to be an image.
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64');
const files = {
	png: { name: 'screenshot.png', mimeType: 'image/png', buffer: PNG },
	txt: { name: 'chat.txt', mimeType: 'text/plain', buffer: Buffer.from('He said: pay to BCA 1234567890 now.\n') },
	fake: { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00this is a program') },
	big: { name: 'video.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 0x41) },
};

const receipts = {}; // lang -> a receipt drawn in that language
const seenUrls = [];
const problems = []; // console errors, CSP violations, page errors

function watch(context, label) {
	context.on('request', (req) => seenUrls.push(req.url()));
	context.on('page', (page) => {
		page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
		page.on('console', (m) => {
			if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
				problems.push(`${label}: console: ${m.text()}`);
		});
	});
}

async function newContext(browser, lang, opts) {
	const context = await browser.newContext({
		viewport: MOBILE,
		locale: { id: 'id-ID', en: 'en-GB', zh: 'zh-CN' }[lang],
		...opts,
	});
	watch(context, `${lang}${opts.javaScriptEnabled === false ? ' no-js' : ''}`);
	return context;
}

// Submit a form by its button and wait for the page it leads to.
async function submitAndWait(page, selector) {
	const [resp] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
	return resp;
}

async function fillReport(page, lang, { js }) {
	await page.selectOption('#category', 'online_scam');
	await page.fill('#description',
		{
			id: 'Saya membeli ponsel di marketplace, penjual meminta transfer ke rekening BCA lalu menghilang. Nomornya 0812-3456-7890.',
			en: 'I bought a phone online; the seller asked me to pay to a BCA account and disappeared. His number was 0812-3456-7890.',
			zh: '我在网上买手机，卖家让我转账到 BCA 账户后就失联了。他的号码是 0812-3456-7890。',
		}[lang]);
	await page.fill('#occurred_at', '2026-11-01');
	await page.fill('#loss_amount', '1500000');
	await page.selectOption('#loss_currency', lang === 'zh' ? 'CNY' : 'IDR');
	await page.selectOption('#ident-kind-1', 'phone');
	await page.fill('#ident-value-1', '0812-3456-7890');
	if (js) {
		t.ok(await page.isHidden('#ident-2'), `${lang} js: empty identifier rows wait behind a button`);
		await page.click('#add-ident');
		t.ok(await page.isVisible('#ident-2'), `${lang} js: "add another detail" shows a row`);
		t.eq(await page.evaluate(() => document.activeElement && document.activeElement.id), 'ident-kind-2',
			`${lang} js: focus moves to the new row`);
	}
	await page.selectOption('#ident-kind-2', 'bank_account');
	await page.fill('#ident-value-2', '1234567890');
	await page.fill('#ident-qualifier-2', 'BCA');
	await page.setInputFiles('#evidence', [files.png, files.txt]);
	await page.fill('#contact', 'reporter@example.org');
}

/* ---- the report form, JavaScript off ------------------------------------- */

async function reportNoJs(browser, lang) {
	const s = S[lang];
	const context = await newContext(browser, lang, { javaScriptEnabled: false });
	const page = await context.newPage();
	const resp = await page.goto(`${NODE.url}/report?lang=${lang}`);
	t.eq(resp.status(), 200, `${lang} no-js: GET /report`);
	t.eq(await page.getAttribute('html', 'lang'), lang, `${lang} no-js: <html lang="${lang}">`);
	t.includes(await page.title(), s['report.title'], `${lang} no-js: title translated`);
	t.includes(await page.textContent('label[for="description"]'), s['report.description.label'],
		`${lang} no-js: labels translated`);
	t.eq(await page.locator('#ident-list li.ident').count(), 5, `${lang} no-js: five identifier rows`);
	t.ok(await page.isVisible('#ident-5'), `${lang} no-js: every row shown without JavaScript`);
	await screenshot(page, `report-${lang}-nojs`);

	// A file that only claims to be an image: refused, the form comes back
	// filled in, the message in the reporter's language.
	await fillReport(page, lang, { js: false });
	await page.setInputFiles('#evidence', [files.fake]);
	let r = await submitAndWait(page, '#report-submit');
	t.eq(r.status(), 400, `${lang} no-js: a fake image is refused`);
	t.includes(await page.textContent('#error-summary'), s['err.file_type'], `${lang} no-js: file type error translated`);
	t.includes(await page.textContent('#evidence-error'), 'photo.png', `${lang} no-js: the error names the file`);
	t.eq(await page.inputValue('#ident-value-2'), '1234567890', `${lang} no-js: values kept`);
	t.eq(await page.inputValue('#description').then((v) => v.length > 20), true, `${lang} no-js: description kept`);
	t.eq(await page.getAttribute('#evidence', 'aria-invalid'), 'true', `${lang} no-js: the field is marked invalid`);
	await screenshot(page, `report-${lang}-nojs-error`);
	if (lang === 'en') ERROR_PAGE.html = await page.content();

	// An identifier that is not one.
	await page.selectOption('#ident-kind-3', 'email');
	await page.fill('#ident-value-3', 'not an address');
	await page.setInputFiles('#evidence', [files.png]);
	r = await submitAndWait(page, '#report-submit');
	t.eq(r.status(), 400, `${lang} no-js: a bad identifier is refused`);
	t.includes(await page.textContent('#ident-3-error'), s['err.invalid_ident'], `${lang} no-js: identifier error beside its row`);

	// And now right: the receipt, once.
	await page.fill('#ident-value-3', '');
	await page.setInputFiles('#evidence', [files.png, files.txt]);
	r = await submitAndWait(page, '#report-submit');
	t.eq(r.status(), 201, `${lang} no-js: report accepted (201)`);
	const receipt = await page.getAttribute('#receipt-number', 'data-receipt');
	t.ok(/^\d{16}$/.test(receipt || ''), `${lang} no-js: a 16-digit receipt`, receipt);
	const shown = (await page.textContent('#receipt-number')).trim();
	t.ok(/^\d{4} \d{4} \d{4} \d{4}$/.test(shown), `${lang} no-js: receipt shown in groups of four`, shown);
	t.includes(await page.textContent('#receipt'), s['receipt.once'], `${lang} no-js: told it is shown once`);
	t.ok(!page.url().includes(receipt), `${lang} no-js: receipt not in the URL`, page.url());
	t.ok(await page.isHidden('button.copy'), `${lang} no-js: no copy button without JavaScript`);
	await screenshot(page, `receipt-${lang}-nojs`);
	if (lang === 'zh') RECEIPT_PAGE.html = await page.content();
	receipts[lang] = receipt;
	await context.close();
}

/* ---- the report form, JavaScript on -------------------------------------- */

async function reportJs(browser, lang) {
	const s = S[lang];
	const context = await newContext(browser, lang, { javaScriptEnabled: true });
	const page = await context.newPage();
	await page.goto(`${NODE.url}/report?lang=${lang}`);
	t.ok(await page.isVisible('#add-ident'), `${lang} js: the "add another detail" button`);
	await screenshot(page, `report-${lang}-js`);

	// Checked before anything is uploaded.
	await page.setInputFiles('#evidence', [files.big]);
	await page.waitForSelector('#js-errors:not([hidden])');
	t.includes(await page.textContent('#js-errors'), s['err.file_too_large'], `${lang} js: an oversized file is caught in the browser`);
	await page.setInputFiles('#evidence', [files.png, files.png, files.png, files.png, files.png, files.txt]);
	t.includes(await page.textContent('#js-errors'), s['err.too_many'], `${lang} js: a sixth file is caught in the browser`);

	// The server's refusal, in the reporter's language, without leaving
	// the page: a description that is missing.
	await fillReport(page, lang, { js: true });
	await page.fill('#description', '');
	await page.evaluate(() => document.getElementById('description').removeAttribute('required'));
	const [api] = await Promise.all([
		page.waitForResponse((r) => r.url().includes('/public/v1/reports')),
		page.click('#report-submit'),
	]);
	t.eq(api.status(), 400, `${lang} js: missing description refused by the API`);
	await page.waitForSelector('#js-errors:not([hidden])');
	t.includes(await page.textContent('#js-errors'), s['err.missing'], `${lang} js: the API's error translated`);
	t.eq(await page.getAttribute('#description', 'aria-invalid'), 'true', `${lang} js: the field is marked invalid`);
	await screenshot(page, `report-${lang}-js-error`);

	// Sent for real: the receipt appears in place, with a copy button.
	await page.fill('#description', lang === 'zh' ? '对方冒充客服，让我下载应用并转账。' : 'They pretended to be customer service and made me install an app.');
	const url = page.url();
	const [ok] = await Promise.all([
		page.waitForResponse((r) => r.url().includes('/public/v1/reports')),
		page.click('#report-submit'),
	]);
	t.eq(ok.status(), 201, `${lang} js: report accepted by the API (201)`);
	await page.waitForSelector('#receipt-number .digits');
	const receipt = await page.getAttribute('#receipt-number', 'data-receipt');
	t.ok(/^\d{16}$/.test(receipt || ''), `${lang} js: a 16-digit receipt in place`, receipt);
	t.eq(page.url(), url, `${lang} js: no navigation, the URL unchanged`);
	t.includes(await page.textContent('#receipt'), s['receipt.write_down'], `${lang} js: told to write it down`);
	t.ok(await page.isVisible('button.copy'), `${lang} js: a copy button`);
	t.eq(await page.evaluate(() => document.activeElement && document.activeElement.id), 'receipt-h',
		`${lang} js: focus on the receipt's heading`);
	await screenshot(page, `receipt-${lang}-js`);
	await context.close();
}

/* ---- check ---------------------------------------------------------------- */

async function checkPage(browser, lang, js) {
	const s = S[lang];
	const tag = `${lang} ${js ? 'js' : 'no-js'}`;
	const context = await newContext(browser, lang, { javaScriptEnabled: js });
	const page = await context.newPage();
	await page.goto(`${NODE.url}/check?lang=${lang}`);
	t.includes(await page.textContent('#check-advice'), s['check.advice.title'], `${tag}: check page gives the advice up front`);
	await page.fill('#value', '+62 812 3456 7890');
	if (js) {
		await page.click('#check-submit');
		await page.waitForSelector('#check-result section.result');
	} else {
		const r = await submitAndWait(page, '#check-submit');
		t.eq(r.status(), 200, `${tag}: POST /check`);
		t.ok(!page.url().includes('812'), `${tag}: the value stays out of the URL`, page.url());
	}
	const result = await page.textContent('#check-result');
	t.includes(result, s['check.verdict.reported'], `${tag}: a reported number is flagged`);
	t.includes(result, s['type.phone'], `${tag}: its type`);
	t.includes(result, '+6281234567890', `${tag}: its canonical value`);
	t.includes(result, s['category.online_scam'], `${tag}: its categories`);
	t.includes(result, s['check.advice'], `${tag}: no report does not mean safe`);
	await screenshot(page, `check-${lang}-${js ? 'js' : 'nojs'}`);

	await page.fill('#value', 'hello world !!');
	if (js) {
		await page.click('#check-submit');
		await page.waitForSelector('#js-errors:not([hidden])');
		t.includes(await page.textContent('#js-errors'), s['err.invalid_value'], `${tag}: a value that is nothing is explained`);
	} else {
		const r = await submitAndWait(page, '#check-submit');
		t.eq(r.status(), 400, `${tag}: a value that is nothing: 400`);
		t.includes(await page.textContent('#error-summary'), s['err.invalid_value'], `${tag}: and explained`);
	}
	await context.close();
}

/* ---- follow-up ------------------------------------------------------------ */

async function followUp(browser, lang, receipt) {
	const s = S[lang];
	const context = await newContext(browser, lang, { javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(`${NODE.url}/follow-up?lang=${lang}`);
	t.eq(await page.getAttribute('#receipt', 'inputmode'), 'numeric', `${lang} follow-up: numeric keyboard for the receipt`);
	await screenshot(page, `followup-${lang}-form`);

	await page.fill('#receipt', '0000 0000 0000 0000');
	let r = await submitAndWait(page, 'button[type="submit"]');
	t.eq(r.status(), 404, `${lang} follow-up: a wrong receipt is 404`);
	t.includes(await page.textContent('#error-summary'), s['err.bad_receipt'], `${lang} follow-up: explained`);

	// Typed as it was shown: groups of four.
	await page.fill('#receipt', receipt.replace(/(\d{4})(?=\d)/g, '$1 '));
	r = await submitAndWait(page, '#followup-form button[type="submit"]');
	t.eq(r.status(), 200, `${lang} follow-up: the report of the receipt`);
	t.eq((await page.textContent('#followup-status')).trim(), s['status.new'], `${lang} follow-up: status translated`);
	t.eq(await page.inputValue('#reply-form input[name="receipt"]'), receipt, `${lang} follow-up: receipt carried in the form body`);
	await screenshot(page, `followup-${lang}-report`);

	await page.fill('#message', lang === 'zh' ? '我又想起一个号码：0813-1111-2222。' : 'Another number: 0813-1111-2222.');
	await page.setInputFiles('#evidence', [files.png]);
	r = await submitAndWait(page, '#reply-form button[type="submit"]');
	t.eq(r.status(), 200, `${lang} follow-up: reply sent`);
	t.includes(await page.textContent('#followup-notice'), s['followup.reply.sent'], `${lang} follow-up: confirmed`);
	t.includes(await page.textContent('.messages'), '0813-1111-2222', `${lang} follow-up: the reply is listed`);
	t.ok(!page.url().includes(receipt), `${lang} follow-up: receipt not in the URL`, page.url());
	await screenshot(page, `followup-${lang}-replied`);
	await context.close();
}

/* ---- accessibility -------------------------------------------------------- */

async function accessibility(browser) {
	for (const lang of LANGS) {
		const context = await browser.newContext({ viewport: MOBILE, bypassCSP: true });
		const page = await context.newPage();
		for (const p of ['/', '/report', '/check', '/follow-up']) {
			await page.goto(`${NODE.url}${p}?lang=${lang}`);
			await axeCheck(t, page, `${lang} ${p}`);
		}
		// The states only a POST reaches.
		await page.goto(`${NODE.url}/check?lang=${lang}`);
		await page.fill('#value', '0812-3456-7890');
		await page.click('#check-submit');
		await page.waitForSelector('#check-result section.result');
		await axeCheck(t, page, `${lang} check result`);
		await page.goto(`${NODE.url}/follow-up?lang=${lang}`);
		await page.fill('#receipt', receipts[lang]);
		await submitAndWait(page, '#followup-form button[type="submit"]');
		await axeCheck(t, page, `${lang} follow-up report`);
		await page.goto(`${NODE.url}/report?lang=${lang}`);
		await page.selectOption('#category', 'phishing');
		await page.fill('#description', 'axe');
		await page.click('#add-ident');
		await page.fill('#ident-value-2', 'not a phone');
		await page.selectOption('#ident-kind-2', 'email');
		await page.click('#report-submit');
		await page.waitForSelector('#js-errors:not([hidden])');
		await axeCheck(t, page, `${lang} report error (js)`);
		await context.close();
	}
	// Server-rendered pages of POST answers, shown again from their HTML.
	const context = await browser.newContext({ viewport: MOBILE, bypassCSP: true });
	const page = await context.newPage();
	for (const [name, saved] of [['report error (no-js)', ERROR_PAGE], ['receipt (no-js)', RECEIPT_PAGE]]) {
		if (!saved.html) {
			t.ok(false, `axe: ${name}: page captured`);
			continue;
		}
		const url = `${NODE.url}/report?lang=en&axe=${encodeURIComponent(name)}`;
		await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: saved.html }));
		await page.goto(url);
		await axeCheck(t, page, name);
	}
	await context.close();
}

/* ---- keyboard --------------------------------------------------------------- */

async function keyboard(browser) {
	const context = await newContext(browser, 'en', { javaScriptEnabled: true });
	const page = await context.newPage();
	await page.goto(`${NODE.url}/?lang=en`);
	await page.keyboard.press('Tab');
	t.eq(await page.evaluate(() => document.activeElement.className), 'skip', 'keyboard: the first Tab reaches the skip link');
	t.ok(await page.isVisible('a.skip'), 'keyboard: the skip link shows when focused');
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	t.ok(outline !== 'none', 'keyboard: focus is visible', outline);
	await page.keyboard.press('Enter');
	t.eq(await page.evaluate(() => document.activeElement.id), 'main', 'keyboard: the skip link moves focus to the content');
	await context.close();
}

/* ---- bad input, as any client may send it ------------------------------- */

// A multipart body built by hand, so that a text field can carry bytes
// that are not UTF-8 (a browser's FormData cannot).
function multipart(parts) {
	const boundary = '----oe' + Math.random().toString(16).slice(2);
	const chunks = [];
	for (const p of parts) {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
		if (p.filename) head += `; filename="${p.filename}"\r\nContent-Type: ${p.type}`;
		chunks.push(Buffer.from(head + '\r\n\r\n'), Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value), Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

async function postReport(lang, parts) {
	const m = multipart([{ name: 'lang', value: lang }, ...parts]);
	const r = await fetch(`${NODE.url}/report?lang=${lang}`, { method: 'POST', body: m.body, headers: { 'Content-Type': m.type } });
	return { status: r.status, ctype: r.headers.get('content-type') || '', text: await r.text() };
}

async function badInput() {
	const base = [{ name: 'category', value: 'phishing' }];
	const cases = [
		['id', 'a 5 MB description', [...base, { name: 'description', value: 'a'.repeat(5 * 1024 * 1024) }], 'err.too_long'],
		['en', 'a description that is not UTF-8', [...base, { name: 'description', value: Buffer.from([0x61, 0xff, 0xfe, 0x62]) }], 'err.invalid_utf8'],
		['zh', 'a missing description', [...base, { name: 'description', value: '' }], 'err.missing'],
		['en', 'an unknown category', [{ name: 'category', value: 'jaywalking' }, { name: 'description', value: 'x' }], 'err.unknown_category'],
		['id', 'an 11 MB file', [...base, { name: 'description', value: 'x' },
			{ name: 'evidence', filename: 'big.png', type: 'image/png', value: Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]) }], 'err.file_too_large'],
		['zh', 'a program sent as a picture', [...base, { name: 'description', value: 'x' },
			{ name: 'evidence', filename: 'a.jpg', type: 'image/jpeg', value: files.fake.buffer }], 'err.file_type'],
		['en', 'six files', [...base, { name: 'description', value: 'x' },
			...[1, 2, 3, 4, 5, 6].map((i) => ({ name: 'evidence', filename: `p${i}.png`, type: 'image/png', value: PNG }))], 'err.too_many'],
		['id', 'an amount that is no number', [...base, { name: 'description', value: 'x' }, { name: 'loss_amount', value: '12abc' }], 'err.invalid_amount'],
		['en', 'a date in the future', [...base, { name: 'description', value: 'x' }, { name: 'occurred_at', value: '2999-01-01' }], 'err.invalid_date'],
	];
	for (const [lang, what, parts, code] of cases) {
		const r = await postReport(lang, parts);
		t.ok(r.status === 400 && r.ctype.startsWith('text/html'), `bad input (${lang}): ${what}: 400 page`, `${r.status} ${r.ctype}`);
		t.includes(r.text, S[lang][code].replace(/"/g, '&quot;'), `bad input (${lang}): ${what}: ${code} in the reporter's language`);
		t.includes(r.text, `<html lang="${lang}">`, `bad input (${lang}): ${what}: the form again, in ${lang}`);
		t.ok(r.text.length < 512 * 1024, `bad input (${lang}): ${what}: the answer stays small`, r.text.length);
	}
}

/* ---- run ------------------------------------------------------------------ */

const NODE = new Node();
const ERROR_PAGE = {};
const RECEIPT_PAGE = {};
let browser;
try {
	await NODE.start();
	t.ok(true, `node serving at ${NODE.url}`);
	browser = await launch(playwright);
	t.ok(true, `chromium ${browser.version()}`);

	// Static files: right types, cached by ETag, unknown names 404.
	await t.step('static files', async () => {
		for (const [name, type] of [['app.js', 'text/javascript'], ['style.css', 'text/css'], ['logo.svg', 'image/svg+xml']]) {
			const r = await fetch(`${NODE.url}/static/${name}`);
			t.ok(r.status === 200 && (r.headers.get('content-type') || '').startsWith(type), `static ${name}: 200 ${type}`,
				`${r.status} ${r.headers.get('content-type')}`);
			const etag = r.headers.get('etag');
			const again = await fetch(`${NODE.url}/static/${name}`, { headers: { 'If-None-Match': etag } });
			t.eq(again.status, 304, `static ${name}: 304 for its ETag`);
		}
		const none = await fetch(`${NODE.url}/static/nope.js`);
		t.eq(none.status, 404, 'static: unknown name is 404');
		const home = await fetch(`${NODE.url}/`, { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' } });
		t.includes(home.headers.get('content-security-policy') || '', "script-src 'self'", 'pages send a strict CSP');
		t.includes(await home.text(), '<html lang="zh">', 'Accept-Language chooses the language');
	});

	await t.step('bad input', badInput);
	for (const lang of LANGS) {
		await t.step(`report ${lang} no-js`, () => reportNoJs(browser, lang));
		await t.step(`report ${lang} js`, () => reportJs(browser, lang));
	}
	for (const js of [false, true]) await t.step(`check en ${js ? 'js' : 'no-js'}`, () => checkPage(browser, 'en', js));
	await t.step('check id no-js', () => checkPage(browser, 'id', false));
	await t.step('check zh js', () => checkPage(browser, 'zh', true));
	for (const lang of LANGS)
		if (receipts[lang]) await t.step(`follow-up ${lang}`, () => followUp(browser, lang, receipts[lang]));
	await t.step('keyboard', () => keyboard(browser));
	await t.step('accessibility', () => accessibility(browser));

	const leaked = Object.values(receipts).filter((r) => seenUrls.some((u) => u.includes(r)));
	t.ok(leaked.length === 0, 'no receipt ever appeared in a requested URL', leaked.join(', '));
	t.ok(problems.length === 0, 'no script error or CSP violation in any page', problems.join('\n'));
} catch (e) {
	t.ok(false, 'the browser tests ran', e && e.stack ? e.stack : e);
} finally {
	if (browser) await browser.close();
	const report = await NODE.stop();
	t.ok(report === null, 'the server ran without sanitizer reports', report);
	t.done();
}
