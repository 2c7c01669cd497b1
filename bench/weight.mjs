// First-load weight of the built widget: raw, gzip and brotli sizes of what a phone downloads,
// one line per figure: `name value unit`. The compressed sizes are those of the build's own
// copies, which the server sends as they are (tools/precompress.mjs: brotli quality 11, gzip
// by zopfli); a file without them is measured at zlib's best. The parts split off the page's
// wasm (the floating layer; the page that fetches a store front the page did not carry; what
// they share), fetched when first drawn, are printed as `later` and not counted in the first
// load.
//   node bench/weight.mjs [dist]           print the figures
//   node bench/weight.mjs --check [dist]   also fail if the total gzip or brotli exceeds
//                                          bench/weight-budget.txt
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const dist = args.find((a) => !a.startsWith('--')) ?? join(here, '..', 'dist');

const kinds = { wasm: /_bg\.wasm$/, js: /\.js$/, css: /\.css$/, html: /^index\.html$/, later: /^(?!.*_bg\.wasm$).*\.wasm$/ };
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
