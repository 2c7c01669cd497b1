// The main thread's long tasks (over 50 ms) as a table's page loads at phone size, with the
// CPU slowed four times as Lighthouse's mobile profile does (but run, not simulated), on the
// real network. Blocking time is each long task's part over 50 ms, added up (Lighthouse's
// TBT, without its window). The page's code starts after its first paint (the server's page
// waits for it), so tasks from the first paint on are the widget's (starting the wasm, taking
// over the page, drawing the floating layer), those before the browser's own with the page
// (parsing, the first style and layout).
// Prints medians over the loads, `name value unit`:
//   node bench/long-tasks.mjs URL [prefix] [loads]
import { chromium } from 'playwright-core';

const [url, prefix = 'long_tasks', loads = '7'] = process.argv.slice(2);
if (!url) throw new Error('usage: node bench/long-tasks.mjs URL [prefix] [loads]');

const blocking = (tasks) => tasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const runs = [];
try {
  for (let i = 0; i < Number(loads); i++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.addInitScript(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => !document.querySelector('[aria-busy]'), null, { timeout: 30_000 });
    // Taken over; the floating layer's code comes and is drawn within the wait after.
    await page.waitForTimeout(3_000);
    runs.push(
      await page.evaluate(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
        return {
          widget: window.longTasks.filter((t) => t.start >= paint),
          page: window.longTasks.filter((t) => t.start < paint),
        };
      }),
    );
    await context.close();
  }
} finally {
  await browser.close();
}

const longest = (tasks) => Math.max(0, ...tasks.map((t) => t.duration));
console.log(`${prefix}_widget_blocking_median ${Math.round(median(runs.map((r) => blocking(r.widget))))} ms`);
console.log(`${prefix}_widget_longest_median ${Math.round(median(runs.map((r) => longest(r.widget))))} ms`);
console.log(`${prefix}_page_blocking_median ${Math.round(median(runs.map((r) => blocking(r.page))))} ms`);
console.log(`${prefix}_page_longest_median ${Math.round(median(runs.map((r) => longest(r.page))))} ms`);
console.log(`${prefix}_loads ${runs.length} loads`);
