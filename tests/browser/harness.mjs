// harness.mjs - what the browser tests share: TAP output, a real oureyes
// node on loopback (as tests/e2e/oe.py starts one), and Debian's Chromium
// driven by playwright-core. No browser is ever downloaded.
//
// Environment (tests/browser/meson.build sets it):
//   OE_BIN        the oureyes binary
//   OE_SRC        the source tree (node_modules/, web/i18n/)
//   OE_ARTIFACTS  where screenshots go
//   OE_CHROMIUM   the browser (default /usr/bin/chromium)
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SRC = process.env.OE_SRC || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = process.env.OE_BIN || path.join(SRC, 'build/oureyes');
export const ARTIFACTS = process.env.OE_ARTIFACTS || path.join(os.tmpdir(), 'oe-browser-artifacts');
export const CHROMIUM = process.env.OE_CHROMIUM || '/usr/bin/chromium';

// Sanitizer reports in the server's stderr fail the run, as in tests/e2e.
const SANITIZER_MARKS = ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:'];

/* ---- TAP ---------------------------------------------------------------- */

export class TAP {
	constructor() {
		this.n = 0;
		this.failed = 0;
	}

	ok(cond, name, detail) {
		this.n += 1;
		if (cond) {
			console.log(`ok ${this.n} - ${name}`);
		} else {
			this.failed += 1;
			console.log(`not ok ${this.n} - ${name}`);
			if (detail !== undefined)
				String(detail).split('\n').slice(0, 40).forEach((l) => console.log(`#   ${l}`));
		}
		return cond;
	}

	eq(got, want, name) {
		return this.ok(got === want, name, `got:  ${JSON.stringify(got)}\nwant: ${JSON.stringify(want)}`);
	}

	includes(text, part, name) {
		return this.ok(typeof text === 'string' && text.includes(part), name,
			`text: ${JSON.stringify(String(text).slice(0, 600))}\nwant a part: ${JSON.stringify(part)}`);
	}

	// Run one step; an exception is one failed case named after it.
	async step(name, fn) {
		try {
			await fn();
		} catch (e) {
			this.ok(false, name, e && e.stack ? e.stack : e);
		}
	}

	done() {
		console.log(`1..${this.n}`);
		process.exitCode = this.failed ? 1 : 0;
	}
}

/* Skip the whole file (TAP "1..0 # SKIP"): only when the tools are not
 * installed; scripts/bootstrap.sh check installs them. */
export function requireTools() {
	const missing = [];
	if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium)`);
	for (const m of ['playwright-core', 'axe-core'])
		if (!fs.existsSync(path.join(SRC, 'node_modules', m, 'package.json')))
			missing.push(`node_modules/${m} (npm ci)`);
	if (!fs.existsSync(BIN)) missing.push(BIN);
	if (missing.length) {
		console.log(`1..0 # SKIP missing ${missing.join(', ')}`);
		process.exit(0);
	}
	const require = createRequire(path.join(SRC, 'package.json'));
	return {
		playwright: require('playwright-core'),
		axePath: path.join(SRC, 'node_modules', 'axe-core', 'axe.min.js'),
	};
}

/* The strings of a language, as the pages show them. */
export function strings(lang) {
	return JSON.parse(fs.readFileSync(path.join(SRC, 'web', 'i18n', `${lang}.json`), 'utf8'));
}

/* ---- a node ------------------------------------------------------------- */

export class Node {
	constructor(org = 'Browser Test', country = 'ID') {
		this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oe-browser-'));
		this.dir = path.join(this.tmp, 'data');
		const out = execFileSync(BIN, ['init', '--data', this.dir, '--org', org, '--country', country], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.org = org;
		this.key = JSON.parse(out.toString()).api_key;
		this.log = '';
	}

	// `oureyes COMMAND... --data DIR OPTIONS...` on this node; its stdout.
	cli(command, options = [], input = '') {
		return execFileSync(BIN, [...command, '--data', this.dir, ...options], {
			input,
			stdio: ['pipe', 'pipe', 'pipe'],
		}).toString();
	}

	// The JSON API with this node's first admin key (or another).
	async api(method, p, body, key) {
		const res = await fetch(this.url + p, {
			method,
			headers: { Authorization: 'Bearer ' + (key || this.key), ...(body ? { 'Content-Type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await res.text();
		let json = null;
		try {
			json = JSON.parse(text);
		} catch (e) {
			/* not JSON */
		}
		return { status: res.status, json, text };
	}

	// Serve on an ephemeral port; resolves once the 'listening' line says
	// where. The rate limits are off: one address makes every request.
	start(...extra) {
		this.proc = spawn(BIN, ['serve', '--data', this.dir, '--listen', '127.0.0.1:0',
			'--set', 'public.rate=0', '--set', 'public.report_rate=0',
			'--set', 'public.followup_failures=0', '--set', 'public.prefix_failures=0', ...extra], {
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		return new Promise((resolve, reject) => {
			let buf = '';
			const timer = setTimeout(() => reject(new Error('server did not start:\n' + this.log)), 30000);
			this.proc.stderr.setEncoding('utf8');
			this.proc.stderr.on('data', (chunk) => {
				this.log += chunk;
				if (this.url) return;
				buf += chunk;
				let nl;
				while ((nl = buf.indexOf('\n')) >= 0) {
					const line = buf.slice(0, nl);
					buf = buf.slice(nl + 1);
					try {
						const ev = JSON.parse(line);
						if (ev.msg === 'listening') {
							this.url = ev.url.replace(/\/$/, '');
							clearTimeout(timer);
							resolve(this);
							return;
						}
					} catch (e) {
						/* not a JSON line */
					}
				}
			});
			this.proc.on('exit', (code) => {
				if (!this.url) {
					clearTimeout(timer);
					reject(new Error(`server exited ${code}:\n${this.log}`));
				}
			});
		});
	}

	// Stop cleanly (LeakSanitizer checks at exit); the sanitizer report of
	// its stderr, or null.
	async stop() {
		if (this.proc && this.proc.exitCode === null) {
			const exited = new Promise((resolve) => this.proc.on('exit', resolve));
			this.proc.kill('SIGTERM');
			const t = setTimeout(() => this.proc.kill('SIGKILL'), 30000);
			await exited;
			clearTimeout(t);
		}
		fs.rmSync(this.tmp, { recursive: true, force: true });
		for (const mark of SANITIZER_MARKS) {
			const at = this.log.indexOf(mark);
			if (at >= 0) return this.log.slice(Math.max(0, at - 200), at + 3000);
		}
		return null;
	}
}

/* ---- the browser -------------------------------------------------------- */

// Debian's Chromium, headless, with nothing that reaches outside this
// machine. Playwright gives every launch a fresh, temporary user data
// directory.
export async function launch(playwright) {
	return playwright.chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
	});
}

export async function screenshot(page, name) {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/* ---- accessibility ---------------------------------------------------------- */

let axeSource = null;

// axe-core on the page as it is: no serious or critical violation is one
// TAP case. The script is evaluated through the DevTools protocol, so a
// page's Content-Security-Policy (which forbids injected script tags)
// stays on while it runs.
export async function axeCheck(t, page, name) {
	if (!axeSource) axeSource = fs.readFileSync(path.join(SRC, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
	await page.evaluate(axeSource);
	const res = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ')),
		}));
	});
	const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	const minor = res.filter((v) => !bad.includes(v));
	if (minor.length) console.log(`# axe: ${name}: lesser findings: ${minor.map((v) => `${v.impact} ${v.id}`).join(', ')}`);
	t.ok(bad.length === 0, `axe: ${name}: no serious or critical violations`,
		bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.join('\n  ')}`).join('\n'));
}
