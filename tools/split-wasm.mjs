// Splits the widget's wasm: what the page needs to start, and the parts drawn later, each
// fetched when first drawn (the functions marked `#[wasm_split]`: the floating layer, the page
// that fetches a store front; what they share goes to a module of its own). Trunk runs this
// after its build, before precompress.mjs; it replaces trunk's wasm and glue in the staging
// dir with the split ones:
//   1. wasm-split-cli cuts cargo's wasm (linked with --emit-relocs) at those functions;
//   2. wasm-bindgen makes the glue for the main part, wasm-opt shrinks every part;
//   3. every file is named by the hash of what was built, the parts' loaders go into the
//      glue (minified with terser for release), the floating layer's loading its stylesheet
//      too (named by minify-css.mjs), and index.html points at the new names (its preloads
//      with new integrity hashes).
//   node tools/split-wasm.mjs   (trunk sets TRUNK_STAGING_DIR, TRUNK_PROFILE, TRUNK_SOURCE_DIR)
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minify } from 'terser';

const staging = process.env.TRUNK_STAGING_DIR;
const profile = process.env.TRUNK_PROFILE ?? 'release';
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
if (!staging) throw new Error('run by trunk: TRUNK_STAGING_DIR is not set');

const cargoTarget = process.env.CARGO_TARGET_DIR ?? join(source, 'target');
const cargoWasm = join(cargoTarget, 'wasm32-unknown-unknown', profile, 'tableorder-widget.wasm');

const html = join(staging, 'index.html');
let page = readFileSync(html, 'utf8');
// Trunk's hash is a u64 in hex without leading zeros: up to 16 digits.
const oldStem = page.match(/import init, \* as bindings from '\/(tableorder-widget-[0-9a-f]{1,16})\.js'/)?.[1];
if (!oldStem) throw new Error('index.html: no trunk loader for tableorder-widget');

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const sha = (alg, ...parts) => parts.reduce((h, p) => h.update(p), createHash(alg));
const hex16 = (...parts) => sha('sha256', ...parts).digest('hex').slice(0, 16);
const sri = (bytes) => `sha384-${sha('sha384', bytes).digest('base64')}`;

const work = mkdtempSync(join(tmpdir(), 'tableorder-split-'));
try {
  // (1) The split. The main part's glue is named once its hash is known: until then it has a
  // placeholder name, which the link module imports it by (withLoaders drops that import).
  const placeholder = 'tableorder-widget-main';
  run('wasm-split-cli', [cargoWasm, work, '--target', 'web', '--out-name', placeholder]);
  const chunks = readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${placeholder}.wasm`);
  if (chunks.length === 0) throw new Error('wasm-split found no split point: is the `split` feature on?');

  // (2) Glue for the main part (keeping the function table exported: the split-off part
  // puts its functions in it); every part optimised as trunk does (index.html tells trunk
  // not to: its wasm is replaced here).
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', work, '--out-name', placeholder,
    join(work, `${placeholder}.wasm`)]);
  // `-Os` over `-Oz`: a few bytes more before compression, about 360 B less as brotli.
  // `--low-memory-unused` (another 500 B less) lets wasm-opt fold constant offsets into
  // loads, sound only while nothing lives below address 1024: rustc puts the 1 MiB stack
  // first and the data after it, which lowMemoryUnused() checks.
  const optimise = (file) => {
    if (profile === 'release') run('wasm-opt', ['-Os', '--low-memory-unused', '-Os', file, '-o', file]);
  };
  lowMemoryUnused(join(work, `${placeholder}_bg.wasm`));
  optimise(join(work, `${placeholder}_bg.wasm`));
  chunks.forEach((c) => optimise(join(work, c)));

  // (3) Names from what was built; one hash of all the parts (and of the glue as shipped)
  // names the main glue and wasm.
  // The link module (the loaders of the other parts) goes into the glue rather than beside
  // it: the glue would import it before it could start, one more request on the way.
  const mainWasm = readFileSync(join(work, `${placeholder}_bg.wasm`));
  const chunkBytes = chunks.map((c) => readFileSync(join(work, c)));
  let glue = readFileSync(join(work, `${placeholder}.js`), 'utf8');
  let link = readFileSync(join(work, '__wasm_split.js'), 'utf8');
  chunks.forEach((c, i) => {
    const named = `${c.replace(/\.wasm$/, '')}-${hex16(chunkBytes[i])}.wasm`;
    link = link.replaceAll(`"./${c}"`, `"./${named}"`);
    writeFileSync(join(staging, named), chunkBytes[i]);
  });
  link = withLayerStyle(link);
  glue = withLoaders(glue, link, placeholder);
  // wasm-bindgen writes its glue for reading; minified it is less than half the size.
  if (profile === 'release') glue = (await minify(glue, { module: true, compress: true, mangle: true })).code;
  const stem = `tableorder-widget-${hex16(mainWasm, glue, ...chunkBytes)}`;
  writeFileSync(join(staging, `${stem}.js`), glue);
  writeFileSync(join(staging, `${stem}_bg.wasm`), mainWasm);
  for (const old of [`${oldStem}.js`, `${oldStem}_bg.wasm`]) unlinkSync(join(staging, old));

  // index.html: the new names, and fresh integrity for the preloads.
  page = page.replaceAll(oldStem, stem)
    .replace(/(<link rel="modulepreload" href="\/[^"]+\.js"[^>]*integrity=")[^"]+"/, `$1${sri(glue)}"`)
    .replace(/(<link rel="preload" href="\/[^"]+_bg\.wasm"[^>]*integrity=")[^"]+"/, `$1${sri(mainWasm)}"`);
  writeFileSync(html, page);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * Fails unless the wasm's stack pointer starts and every data segment lies at 1024 or above
 * (what `--low-memory-unused` assumes).
 */
function lowMemoryUnused(file) {
  const text = execFileSync('wasm-dis', [file], { maxBuffer: 1 << 30 }).toString();
  const stack = text.match(/\(global \$__stack_pointer \(mut i32\) \(i32\.const (\d+)\)\)/);
  const data = [...text.matchAll(/^ \(data \S+ \(i32\.const (\d+)\)/gm)].map((m) => Number(m[1]));
  if (!stack || data.length === 0) throw new Error(`${file}: no stack pointer or data segments to check`);
  const low = [Number(stack[1]), ...data].filter((at) => at < 1024);
  if (low.length > 0) throw new Error(`${file}: memory below 1024 is used (${low}): drop --low-memory-unused`);
}

/**
 * The link module with the floating layer's stylesheet among what its loader waits for: the
 * layer's rules come with its code (the table page does not carry them), and nothing of the
 * layer is drawn before they apply. A stylesheet that fails to load fails the load, which the
 * widget offers to try again; a later try fetches it afresh.
 */
function withLayerStyle(link) {
  const styles = readdirSync(staging).filter((f) => /^layer-[0-9a-f]{16}\.css$/.test(f));
  if (styles.length !== 1) throw new Error(`the layer's stylesheet: expected one layer-HASH.css, found ${styles}`);
  const loader = /(export const __wasm_split_load_floating_layer = wrapAsyncCb\(makeLoad\([\s\S]*?\n, \[)([^\]]*)(\]\)\);)/;
  if (!loader.test(link)) throw new Error("the split loader has no floating_layer loader of the expected shape");
  const style = `let layerStyle;
const __layer_style = () => layerStyle ??= new Promise((loaded, failed) => {
    const sheet = document.createElement('link');
    sheet.rel = 'stylesheet';
    sheet.href = new URL("./${styles[0]}", import.meta.url).href;
    sheet.onload = loaded;
    sheet.onerror = () => { sheet.remove(); layerStyle = undefined; failed(new Error('layer stylesheet')); };
    document.head.append(sheet);
});
`;
  return style + link.replace(loader, (_, head, deps, tail) => `${head}${deps ? `${deps}, ` : ''}__layer_style${tail}`);
}

/**
 * The glue with the link module in it: the link module's code (its import of the glue's
 * `initSync` dropped, its exports made plain) goes first, and each `import * as importN from
 * "./__wasm_split.js"` becomes an object of those exports. Fails if a name would clash.
 */
function withLoaders(glue, link, placeholder) {
  const imports = [...glue.matchAll(/^import \* as (\w+) from "\.\/__wasm_split\.js";?\n/gm)];
  if (imports.length === 0) throw new Error('wasm-bindgen glue does not import the split loader');
  const body = link
    .replace(new RegExp(`^import \\{ initSync \\} from "\\./${placeholder}\\.js";?\\n`, 'm'), '')
    .replace(/^export const /gm, 'const ');
  if (/^import /m.test(body)) throw new Error('the split loader imports something besides initSync');
  const exported = [...link.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
  const declared = [...body.matchAll(/^(?:function|const|let|var|async function) (\w+)/gm)].map((m) => m[1]);
  const clash = declared.filter((name) => new RegExp(`\\b${name}\\b`).test(glue));
  if (clash.length > 0) throw new Error(`the split loader's names are in the glue already: ${clash}`);
  const objects = imports.map(([, name]) => `const ${name} = { ${exported.join(', ')} };\n`).join('');
  let rest = glue;
  for (const [line] of imports) rest = rest.replace(line, '');
  return `${body}\n${objects}${rest}`;
}
