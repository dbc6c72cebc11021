// Drives the `sharpvl serve` page in Debian's headless chromium (never a downloaded browser) and prints what a user
// would see as JSON: the result cards after typing a query, and the player's currentTime after clicking cards.
// Usage: node search-page.mjs <page-url> <query> <screenshot.png>
import { chromium } from 'playwright-core';

const [url, query, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url);
  await page.fill('#query', query);
  await page.press('#query', 'Enter');
  await page.waitForSelector('.result', { timeout: 60000 });
  const results = await page.$$eval('.result', cards => cards.map(c => ({
    path: c.dataset.path, start_s: Number(c.dataset.start), video: c.dataset.video,
    name: c.querySelector('.name').textContent, range: c.querySelector('.range').textContent, score: c.querySelector('.score').textContent,
  })));
  // Click the best result, and the best one that does not start at 0 (so the seek is visible in currentTime).
  const targets = [0, results.findIndex(r => r.start_s > 0)].filter((i, k, all) => i >= 0 && all.indexOf(i) === k);
  const clicks = [];
  for (const index of targets) {
    await page.click(`.result >> nth=${index}`);
    // Wait until the player loaded the new source and sought to the fragment's start (at most 20 s).
    const state = await page.waitForFunction(start => {
      const v = document.getElementById('player');
      return v.readyState >= 1 && v.currentTime >= start - 0.05 ? { currentTime: v.currentTime, src: v.currentSrc } : null;
    }, results[index].start_s, { timeout: 20000 }).then(h => h.jsonValue()).catch(() => null);
    const now = await page.evaluate(() => { const v = document.getElementById('player'); return { currentTime: v.currentTime, src: v.currentSrc, error: v.error && v.error.message }; });
    clicks.push({ index, start_s: results[index].start_s, reached: state !== null, ...now });
  }
  await page.evaluate(() => Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; }))));
  await page.evaluate(() => document.getElementById('player').pause());
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ results, clicks, errors }));
} finally {
  await browser.close();
}
