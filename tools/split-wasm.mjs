// Splits the widget's wasm in two: what the page needs to start, and the floating layer's
// code (cart bar, sheets, order status: `draw_layer`, marked `#[lazy]`), fetched once the page
// runs. Trunk runs this after its build, before precompress.mjs; it replaces trunk's wasm and
// glue in the staging dir with the split ones:
//   1. wasm-split-cli cuts cargo's wasm (linked with --emit-relocs) at the `#[lazy]` functions;
//   2. wasm-bindgen makes the glue for the main part, wasm-opt shrinks every part;
//   3. every file is named by the hash of what was built, and index.html points at them
//      (its preloads with their new integrity hashes).
//   node tools/split-wasm.mjs   (trunk sets TRUNK_STAGING_DIR, TRUNK_PROFILE, TRUNK_SOURCE_DIR)
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  // (1) The split. The main part's glue is named once its hash is known; wasm-split writes a
  // placeholder into the link module, replaced below.
  const placeholder = 'tableorder-widget-main';
  run('wasm-split-cli', [cargoWasm, work, '--target', 'web', '--out-name', placeholder]);
  const chunks = readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${placeholder}.wasm`);
  if (chunks.length === 0) throw new Error('wasm-split found no split point: is the `split` feature on?');

  // (2) Glue for the main part (keeping the function table exported: the split-off part
  // puts its functions in it); every part optimised as trunk does (index.html tells trunk
  // not to: its wasm is replaced here).
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', work, '--out-name', placeholder,
    join(work, `${placeholder}.wasm`)]);
  const optimise = (file) => {
    if (profile === 'release') run('wasm-opt', ['-Oz', file, '-o', file]);
  };
  optimise(join(work, `${placeholder}_bg.wasm`));
  chunks.forEach((c) => optimise(join(work, c)));

  // (3) Names from what was built. One hash of all the parts names the main glue and wasm,
  // which the link module and the main glue name in turn.
  const mainWasm = readFileSync(join(work, `${placeholder}_bg.wasm`));
  const chunkBytes = chunks.map((c) => readFileSync(join(work, c)));
  let glue = readFileSync(join(work, `${placeholder}.js`), 'utf8');
  const stem = `tableorder-widget-${hex16(mainWasm, glue, ...chunkBytes)}`;
  let link = readFileSync(join(work, '__wasm_split.js'), 'utf8').replaceAll(`./${placeholder}.js`, `./${stem}.js`);
  chunks.forEach((c, i) => {
    const named = `${c.replace(/\.wasm$/, '')}-${hex16(chunkBytes[i])}.wasm`;
    link = link.replaceAll(`"./${c}"`, `"./${named}"`);
    writeFileSync(join(staging, named), chunkBytes[i]);
  });
  const linkName = `tableorder-split-${hex16(link)}.js`;
  // The glue's `import … from` names the file; its imports object keeps the wasm's own name.
  glue = glue.replaceAll('from "./__wasm_split.js"', `from "./${linkName}"`);
  if (!glue.includes(linkName) || glue.includes('from "./__wasm_split.js"')) throw new Error('wasm-bindgen glue: the split loader is not imported by its name');
  writeFileSync(join(staging, linkName), link);
  writeFileSync(join(staging, `${stem}.js`), glue);
  writeFileSync(join(staging, `${stem}_bg.wasm`), mainWasm);
  for (const old of [`${oldStem}.js`, `${oldStem}_bg.wasm`]) unlinkSync(join(staging, old));

  // index.html: the new names, fresh integrity for the preloads, and the link module
  // preloaded beside the glue (it imports it before it can start).
  page = page.replaceAll(oldStem, stem)
    .replace(/(<link rel="modulepreload" href="\/[^"]+\.js"[^>]*integrity=")[^"]+"/, `$1${sri(glue)}"`)
    .replace(/(<link rel="preload" href="\/[^"]+_bg\.wasm"[^>]*integrity=")[^"]+"/, `$1${sri(mainWasm)}"`)
    .replace(/(<link rel="modulepreload"[^>]*>)/,
      `$1<link rel="modulepreload" href="/${linkName}" crossorigin="anonymous" integrity="${sri(link)}">`);
  writeFileSync(html, page);
} finally {
  rmSync(work, { recursive: true, force: true });
}
