// Lighthouse 12 over several pages with one headless Chromium, one page after another.
// Usage: node lighthouse-pages.mjs CHROMIUM URL... ; prints one JSON line per page
// (LIGHTHOUSE_CATEGORIES=performance,seo,... scores other categories, for measuring):
// {"url", "scores": {"seo", "accessibility", "best-practices"}, "failing": [{"id", "title"}]}
// Nothing leaves the machine: Chromium runs with background networking off and a fresh
// profile, and Lighthouse only loads the given (loopback) URLs.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const CATEGORIES = (process.env.LIGHTHOUSE_CATEGORIES || 'seo,accessibility,best-practices')
  .split(',').filter(Boolean);
const [chromePath, ...pages] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'lighthouse-profile-'));
const chrome = await chromeLauncher.launch({
  chromePath,
  userDataDir: profile,
  ignoreDefaultFlags: true,
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-default-apps', '--disable-extensions', '--mute-audio',
    '--no-default-browser-check'],
});
let status = 0;
try {
  for (const url of pages) {
    const result = await lighthouse(url, {
      port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES,
      disableFullPageScreenshot: true,
    });
    if (!result) { status = 1; continue; }
    const {lhr} = result;
    const scores = Object.fromEntries(CATEGORIES.map(c => [c, lhr.categories[c]?.score ?? null]));
    const ids = new Set(CATEGORIES.flatMap(c => (lhr.categories[c]?.auditRefs ?? [])
      .filter(ref => ref.weight > 0).map(ref => ref.id)));
    const failing = [...ids].map(id => lhr.audits[id])
      .filter(a => a && typeof a.score === 'number' && a.score < 1)
      .map(a => ({id: a.id, title: a.title}));
    const error = lhr.runtimeError ? lhr.runtimeError.message : null;
    process.stdout.write(JSON.stringify({url, finalUrl: lhr.finalDisplayedUrl, scores,
      failing, error}) + '\n');
  }
} finally {
  await chrome.kill();
  rmSync(profile, {recursive: true, force: true});
}
process.exit(status);
