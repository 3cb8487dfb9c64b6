// console.mjs - the analyst console in a real browser (Debian's Chromium
// via playwright-core) against two real nodes on loopback, Indonesia (ID)
// and China (CN), paired and pulling from each other every second:
//
//   sign-in (a wrong password first) → the queue, overdue first → a report
//   with its evidence shown in the page and its indicators' correlations →
//   the indicator with its graph of links → a joint case with the sharing
//   group {ID, CN}, the indicator and the report added, a task and a note →
//   at CN an analyst signs in to CN's console, finds the case, adds a note
//   and completes the task → back at ID the partner's note and the done
//   task appear → the dashboard with its charts → Chinese → sign-out ends
//   the session on the server.
//
// On every screen: axe-core finds no serious or critical violation, no
// script error or Content-Security-Policy violation happens, and a
// screenshot goes to $OE_ARTIFACTS (console-*.png). Speaks TAP.
import { TAP, Node, requireTools, launch, screenshot, axeCheck } from './harness.mjs';

const { playwright } = requireTools();
const t = new TAP();
const SYNC = ['--set', 'sync.interval=1s', '--set', 'sync.backoff_max=2s'];
const PHONE = '+6281377788899';
const PASSWORD = { ID: 'kata-sandi-yang-panjang-1', CN: 'a-long-passphrase-for-wei' };
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64');
const problems = [];

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond, ms = 60000) {
	const end = Date.now() + ms;
	let v = await cond();
	while (!v && Date.now() < end) {
		await sleep(250);
		v = await cond();
	}
	return v;
}

async function screen(page, name) {
	await axeCheck(t, page, name);
	await screenshot(page, 'console-' + name.replace(/[^a-z0-9]+/gi, '-'));
}

async function newPage(browser, label, locale = 'en-GB') {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
	const page = await context.newPage();
	page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
			problems.push(`${label}: console: ${m.text()}`);
	});
	return { context, page };
}

async function signIn(page, node, user, password) {
	await page.goto(node.url + '/console/');
	await page.waitForSelector('#username');
	await page.fill('#username', user);
	await page.fill('#password', password);
	await page.click('#signin');
}

async function main() {
	const ID = new Node('ID-BSSN', 'ID');
	const CN = new Node('CN-CAC', 'CN');
	let browser;
	try {
		// --- two nodes, paired, with a sharing group {ID, CN} -------------------------
		await ID.start(...SYNC, '--set', 'deadlines.phishing=1s');
		await CN.start(...SYNC);
		const inv = JSON.parse(ID.cli(['peer', 'invite'], ['--name', 'CN-CAC', '--country', 'CN']));
		CN.cli(['peer', 'add'], ['--name', 'ID-BSSN', '--url', ID.url + '/taxii2/', '--key', inv.api_key]);
		const back = JSON.parse(CN.cli(['peer', 'invite'], ['--name', 'ID-BSSN', '--country', 'ID']));
		ID.cli(['peer', 'add'], ['--name', 'CN-CAC', '--url', CN.url + '/taxii2/', '--key', back.api_key]);
		ID.cli(['group', 'add'], ['--name', 'id-cn', '--member', 'org:CN-CAC']);
		ID.cli(['user', 'add'], ['--org', 'ID-BSSN', '--name', 'siti', '--role', 'analyst', '--password-stdin'], PASSWORD.ID + '\n');
		CN.cli(['user', 'add'], ['--org', 'CN-CAC', '--name', 'wei', '--role', 'analyst', '--password-stdin'], PASSWORD.CN + '\n');

		// --- citizens report at ID -----------------------------------------------------------
		for (let i = 0; i < 3; i++) {
			const r = await fetch(ID.url + '/public/v1/reports', {
				method: 'POST', headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({
					category: 'telecom_fraud', lang: 'id',
					description: `Penelepon mengaku petugas bank (${i}) dan meminta kode OTP.`,
					identifiers: [{ kind: 'phone', value: PHONE }],
					evidence: i === 0 ? [{ name: 'chat.png', content_base64: PNG.toString('base64') }] : undefined,
				}),
			});
			t.eq(r.status, 201, `a citizen's report ${i + 1} is received`);
		}
		const ph = await fetch(ID.url + '/public/v1/reports', {
			method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ category: 'phishing', description: 'A fake bank login page came by SMS.' }),
		});
		t.eq(ph.status, 201, 'a phishing report (deadline 1 s) is received');
		await sleep(1200);

		browser = await launch(playwright);
		const { page } = await newPage(browser, 'ID');

		// --- sign-in -------------------------------------------------------------------------
		await signIn(page, ID, 'siti', 'wrong password');
		await page.waitForSelector('#signin-error:not(:empty)');
		t.includes(await page.textContent('#signin-error'), 'Wrong username or password', 'a wrong password is refused');
		await screen(page, 'signin');
		const cookiesBefore = await page.context().cookies();
		t.eq(cookiesBefore.filter((c) => c.name === 'oe_session').length, 0, 'no session cookie after a failed sign-in');
		await page.fill('#password', PASSWORD.ID);
		await page.click('#signin');
		await page.waitForSelector('#queue tbody tr');
		const cookie = (await page.context().cookies()).find((c) => c.name === 'oe_session');
		t.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict', cookie);
		t.eq(await page.evaluate(() => document.cookie.includes('oe_session')), false, 'scripts cannot read the session cookie');
		t.includes(await page.textContent('#who'), 'siti', 'the bar names the analyst');

		// --- the queue: overdue first --------------------------------------------------------------
		const rows = await page.$$eval('#queue tbody tr', (trs) => trs.map((tr) => ({ cls: tr.className, text: tr.textContent })));
		t.eq(rows.length, 4, 'the queue lists the four open reports');
		t.ok(rows[0].cls.includes('overdue') && rows[0].text.includes('Phishing'), 'the overdue phishing report comes first', rows[0]);
		t.ok(rows.slice(1).every((r) => !r.cls.includes('overdue')), 'the others are not overdue');
		await screen(page, 'queue');

		// --- a report ---------------------------------------------------------------------------------
		// The report with the screenshot attached (the API says which).
		const listed = await ID.api('GET', '/api/v1/reports?category=telecom_fraud');
		const withFile = listed.json.reports.find((r) => r.files === 1);
		t.ok(withFile, 'one of the reports has the evidence file', listed.text);
		await page.click(`#queue a[href="#/report/${encodeURIComponent(withFile.id)}"]`);
		await page.waitForSelector('#extracted', { timeout: 10000 }).catch(async (e) => {
			await screenshot(page, 'console-failed-report');
			throw new Error(e.message + '\n' + (await page.textContent('main')) + '\n' + (await page.textContent('#toast')));
		});
		const corr = await page.textContent('#extracted');
		t.includes(corr, PHONE, 'the report lists the phone number it names');
		t.includes(corr, 'other reports: 2', 'with its correlation: two other reports name it');
		await page.click('.files button');
		await page.waitForSelector('.viewer img.evidence');
		const img = await page.$eval('.viewer img.evidence', (i) => ({ src: i.src, w: i.naturalWidth }));
		t.ok(img.src.startsWith('blob:') && img.w === 1, 'the evidence image is shown from a blob, in the page', img);
		t.includes(await page.getAttribute('.files a[download]', 'href'), '/api/v1/evidence/', 'and offered as a download');
		await screen(page, 'report');

		// --- the indicator ----------------------------------------------------------------------------
		await page.click(`#extracted a:text("${PHONE}")`);
		await page.waitForSelector('#headline');
		t.includes(await page.textContent('#headline'), 'Reports here: 3', 'the indicator says how many reports name it');
		const nodes = await page.$$eval('svg.graph .node.report', (n) => n.length);
		t.eq(nodes, 3, 'its graph links the three reports');
		await screen(page, 'indicator');
		const indicatorUrl = page.url();
		// Gather it into a new event.
		await page.fill('#ev-title', 'Fake bank officer wave, November');
		await page.click('#event-form button[type=submit]');
		await page.waitForFunction(() => /Fake bank officer wave/.test(document.querySelector('main').textContent));
		t.includes(await page.textContent('#headline'), 'events: 1,', 'a new event made from the indicator view links it');
		// Share it with CN: the sharing group {ID, CN}.
		await page.fill('#i-group', 'id-cn');
		await page.click('form.actions button[type=submit]');
		await page.waitForSelector('#toast.show');
		const shared = await page.waitForFunction(() => /id-cn/.test((document.querySelector('dl.facts') || {}).textContent || ''),
			null, { timeout: 10000 }).then(() => true, () => false);
		t.ok(shared, 'the indicator is now shared with the group {ID, CN}');

		// --- a joint case, shared with CN ------------------------------------------------------
		await page.click('#nav a[data-view="cases"]');
		await page.waitForSelector('#new-case');
		await page.fill('#c-title', 'Operasi Bersama: fake bank officer calls');
		await page.fill('#c-desc', 'Calls from a fake bank officer asking for OTP codes, seen in ID and CN.');
		await page.selectOption('#c-tlp', 'amber');
		await page.fill('#c-group', 'id-cn');
		await page.fill('#c-parts', 'CN-CAC');
		await page.click('#new-case button[type=submit]');
		await page.waitForSelector('#t-title');
		const caseUrl = page.url();
		const caseId = decodeURIComponent(caseUrl.split('#/case/')[1]);
		t.ok(caseId.startsWith('grouping--'), 'the case is created and shown', caseId);
		await page.fill('#t-title', 'Ask CN banks to freeze the receiving account');
		await page.fill('#t-assignee', 'CN-CAC');
		await page.click('form:has(#t-title) button[type=submit]');
		await page.waitForSelector('#tasks li');
		await page.fill('#n-text', 'ID: three citizens reported this number this week.');
		await page.click('form:has(#n-text) button[type=submit]');
		await page.waitForSelector('#notes li');
		// Add the indicator from its own view.
		await page.goto(indicatorUrl);
		await page.waitForSelector('#add-case-indicators');
		await page.selectOption('#add-case-indicators', caseId);
		await page.click('section:has(#add-case-indicators) button');
		await page.waitForSelector('#toast.show');
		await page.waitForSelector('svg.graph');
		await page.reload();
		const linked = await page.waitForSelector('svg.graph .node.case', { timeout: 10000 }).then(() => true, () => false);
		t.ok(linked, "the indicator's graph now links the case");
		await page.goto(caseUrl);
		await page.waitForSelector('#links');
		t.includes(await page.textContent('#links'), PHONE, 'the case links the indicator');
		await screen(page, 'case');

		// --- at CN ----------------------------------------------------------------------------------
		const atCN = await waitFor(async () => {
			const r = await CN.api('GET', '/api/v1/cases/' + encodeURIComponent(caseId));
			return r.status === 200 && r.json.notes.length >= 1 ? r.json : null;
		});
		t.ok(atCN, 'CN pulled the case from ID');
		const cn = await newPage(browser, 'CN', 'zh-CN');
		await signIn(cn.page, CN, 'wei', PASSWORD.CN);
		await cn.page.waitForSelector('#queue');
		await cn.page.goto(CN.url + '/console/#/case/' + encodeURIComponent(caseId));
		await cn.page.waitForSelector('#notes li');
		t.includes(await cn.page.textContent('#notes'), 'three citizens reported', "CN's analyst reads ID's note");
		t.includes(await cn.page.textContent('#links'), PHONE, 'and the linked phone number');
		await cn.page.fill('#n-text', 'CN: a bank in Shenzhen froze the receiving account today.');
		await cn.page.click('form:has(#n-text) button[type=submit]');
		await cn.page.waitForSelector('#notes li:nth-child(2)');
		await cn.page.check('#tasks li input[type=checkbox]');
		await cn.page.waitForSelector('#tasks li input[type=checkbox]:checked');
		await screen(cn.page, 'case-at-cn-zh');

		// --- back at ID: the partner's note -----------------------------------------------------
		const seen = await waitFor(async () => {
			const r = await ID.api('GET', '/api/v1/cases/' + encodeURIComponent(caseId));
			return r.status === 200 && r.json.notes.some((n) => n.text.includes('Shenzhen')) && r.json.tasks.every((x) => x.done);
		});
		t.ok(seen, "ID pulled CN's note and the completed task");
		await page.reload();
		await page.waitForSelector('#notes li:nth-child(2)');
		t.includes(await page.textContent('#notes'), 'froze the receiving account', "the partner's note appears in ID's console");
		t.includes(await page.textContent('#notes'), 'CN-CAC', 'marked as CN\'s');
		t.ok(await page.isChecked('#tasks li input[type=checkbox]'), 'the task CN completed shows done');
		await screen(page, 'case-partner-note');

		// --- search ---------------------------------------------------------------------------------
		await page.click('#nav a[data-view="search"]');
		await page.waitForSelector('#q');
		await page.fill('#q', '0813-7778-8899');
		await page.click('form[role=search] button');
		await page.waitForSelector('#results li');
		const found = await page.textContent('#results');
		t.ok(found.includes(PHONE) && found.includes('exact'), 'a search in local spelling finds the phone, exactly', found);
		await screen(page, 'search');

		// --- dashboard -------------------------------------------------------------------------------
		await page.click('#nav a[data-view="dashboard"]');
		await page.waitForSelector('#ch-days');
		await page.waitForFunction(() => document.querySelectorAll('canvas').length === 3);
		t.eq(await page.textContent('#kpi-open'), '4', 'the dashboard counts four open reports');
		t.eq(await page.textContent('#kpi-overdue'), '1', 'one of them overdue');
		t.includes(await page.textContent('.tops'), PHONE, 'the most reported phone is listed');
		const drawn = await page.$eval('#ch-days', (c) => c.width > 0 && c.height > 0);
		t.ok(drawn, 'the reports-per-day chart is drawn');
		await screen(page, 'dashboard');

		// --- Chinese ---------------------------------------------------------------------------------
		await page.selectOption('#lang', 'zh');
		await page.waitForFunction(() => document.querySelector('#nav a[data-view="queue"]').textContent === '待办');
		t.eq(await page.getAttribute('html', 'lang'), 'zh-Hans', 'the page is in Chinese');
		await page.click('#nav a[data-view="queue"]');
		await page.waitForSelector('#queue tbody tr');
		await screen(page, 'queue-zh');

		// --- sign-out ----------------------------------------------------------------------------------
		const old = (await page.context().cookies()).find((c) => c.name === 'oe_session');
		await page.click('#signout');
		await page.waitForSelector('#username');
		const replay = await fetch(ID.url + '/api/v1/session', { headers: { Cookie: `oe_session=${old.value}` } });
		t.eq(replay.status, 401, 'after sign-out the old cookie is worth nothing on the server');

		t.ok(problems.length === 0, 'no script errors or policy violations in either console', problems.join('\n'));
	} finally {
		if (browser) await browser.close();
		for (const [n, name] of [[ID, 'ID'], [CN, 'CN']]) {
			const san = await n.stop();
			t.ok(!san, `${name}: no sanitizer report`, san);
		}
	}
}

main()
	.catch((e) => t.ok(false, 'no exception', e.stack + (problems.length ? '\n' + problems.join('\n') : '')))
	.finally(() => t.done());
