// First-load weight of the built widget: raw, gzip and brotli sizes of what a phone downloads,
// one line per figure: `name value unit`. The compressed sizes are those of the build's own
// copies, which the server sends as they are (tools/precompress.mjs: brotli quality 11, gzip
// by zopfli); a file without them is measured at zlib's best. The parts split off the page's
// wasm (the floating layer with its stylesheet; the page that fetches a store front the page
// did not carry; what they share), fetched when first drawn, are printed as `later` and not
// counted in the first load.
//   node bench/weight.mjs [dist]           print the figures
//   node bench/weight.mjs --check [dist]   also fail if the total gzip or brotli exceeds
//                                          bench/weight-budget.txt
//   node bench/weight.mjs --page URL [--check]
//       what a phone receives for the table page at URL, as the server sends it: the drawn
//       page, its glue and its wasm, each fetched with `accept-encoding: br` and then `gzip`,
//       counted as the bytes of the bodies on the wire; checked against the `sent` budgets.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const pageAt = args.indexOf('--page');
if (pageAt >= 0) {
  await asSent(args[pageAt + 1]);
  process.exit(0);
}
const dist = args.find((a) => !a.startsWith('--')) ?? join(here, '..', 'dist');

// The floating layer's stylesheet comes with its code, after the page runs: `later`.
const kinds = {
  wasm: /_bg\.wasm$/,
  js: /\.js$/,
  css: /^widget-[0-9a-f]+\.css$/,
  html: /^index\.html$/,
  later: /^(?!.*_bg\.wasm$).*\.wasm$|^layer-[0-9a-f]+\.css$/,
};
let totalGzip = 0;
let totalBrotli = 0;
for (const [kind, pattern] of Object.entries(kinds)) {
  const files = readdirSync(dist).filter((f) => pattern.test(f));
  if (files.length === 0) throw new Error(`no ${kind} file in ${dist}: build the widget first`);
  let raw = 0, gz = 0, br = 0;
  for (const f of files) {
    const path = join(dist, f);
    const bytes = readFileSync(path);
    const copy = (ext, make) => (existsSync(`${path}.${ext}`) ? readFileSync(`${path}.${ext}`) : make(bytes)).length;
    raw += bytes.length;
    gz += copy('gz', (b) => gzipSync(b, { level: 9 }));
    br += copy('br', (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
  if (kind !== 'later') {
    totalGzip += gz;
    totalBrotli += br;
  }
  console.log(`weight_${kind}_raw ${raw} bytes`);
  console.log(`weight_${kind}_gzip ${gz} bytes`);
  console.log(`weight_${kind}_brotli ${br} bytes`);
}
console.log(`weight_total_gzip ${totalGzip} bytes`);
console.log(`weight_total_brotli ${totalBrotli} bytes`);

if (check) {
  // The budget's first number is gzip; a line `brotli N` is brotli's.
  const text = readFileSync(join(here, 'weight-budget.txt'), 'utf8');
  const budgets = { gzip: [totalGzip, text.match(/^\s*(\d+)/m)], brotli: [totalBrotli, text.match(/^brotli\s+(\d+)/m)] };
  for (const [kind, [total, found]] of Object.entries(budgets)) {
    if (!found) throw new Error(`bench/weight-budget.txt names no ${kind} budget`);
    const budget = Number(found[1]);
    if (total > budget) {
      console.error(`first-load weight ${total} B ${kind} is over the budget of ${budget} B (bench/weight-budget.txt)`);
      process.exit(1);
    }
    console.log(`weight within budget: ${total} <= ${budget} bytes ${kind}`);
  }
}

/** The body of `url` as sent with `accept-encoding: coding`: its bytes, uncompressed by no one. */
function fetchSent(url, coding) {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': coding } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        else resolve({ bytes: Buffer.concat(chunks), encoding: res.headers['content-encoding'] ?? 'identity' });
      });
    }).on('error', reject);
  });
}

async function asSent(url) {
  const totals = {};
  const page = await fetchSent(url, 'identity');
  const html = page.bytes.toString('utf8');
  const glue = html.match(/\/tableorder-widget-[0-9a-f]+\.js/)?.[0];
  const wasm = html.match(/\/tableorder-widget-[0-9a-f]+_bg\.wasm/)?.[0];
  if (!glue || !wasm) throw new Error(`the page at ${url} names no glue or wasm`);
  const origin = new URL(url).origin;
  for (const coding of ['br', 'gzip']) {
    let total = 0;
    for (const [name, at] of [['page', url], ['js', origin + glue], ['wasm', origin + wasm]]) {
      const sent = await fetchSent(at, coding);
      if (sent.encoding !== coding) throw new Error(`${at} sent as ${sent.encoding}, asked for ${coding}`);
      console.log(`weight_sent_${name}_${coding === 'br' ? 'brotli' : 'gzip'} ${sent.bytes.length} bytes`);
      total += sent.bytes.length;
    }
    totals[coding] = total;
    console.log(`weight_sent_total_${coding === 'br' ? 'brotli' : 'gzip'} ${total} bytes`);
  }
  if (check) {
    const text = readFileSync(join(here, 'weight-budget.txt'), 'utf8');
    for (const [coding, label] of [['br', 'brotli'], ['gzip', 'gzip']]) {
      const found = text.match(new RegExp(`^sent ${label}\\s+(\\d+)`, 'm'));
      if (!found) throw new Error(`bench/weight-budget.txt names no "sent ${label}" budget`);
      const budget = Number(found[1]);
      if (totals[coding] > budget) {
        console.error(`the table page as sent, ${totals[coding]} B ${label}, is over the budget of ${budget} B`);
        process.exit(1);
      }
      console.log(`sent within budget: ${totals[coding]} <= ${budget} bytes ${label}`);
    }
  }
}
