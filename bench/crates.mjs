// Where the widget's bytes go, by crate: twiggy's `top` on the wasm as rustc left it (before
// wasm-bindgen and wasm-opt, with its function names), summed by each item's crate.
// Prints `crate_<name> bytes` lines, largest first, then the code total; then the same for
// the page's part alone (`main_crate_<name>`), as wasm-split-cli cuts it off the floating
// layer's (see tools/split-wasm.mjs). The shipped wasm is smaller (wasm-opt -Oz, no names, no
// glue descriptors): read these as shares, not sizes.
//   node bench/crates.mjs [path/to/tableorder-widget.wasm]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const wasm = process.argv[2] ?? 'target/wasm32-unknown-unknown/release/tableorder-widget.wasm';

const PATH = /^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/;

/**
 * The crate an item's code belongs to: `core::fmt::write` → `core`; an impl
 * `<tachys::html::X as core::fmt::Debug>::fmt` → `tachys` (its type's crate); a generic one,
 * `<T as reactive_graph::traits::Read>::try_read` → `reactive_graph` (its trait's crate).
 * Custom sections and data are not code: `null`.
 */
function crateOf(item) {
  const name = item.replace(/^"+|"+$/g, '');
  if (/^(custom section|data segment)|subsection$/.test(name)) return null;
  // Descriptors, imports and exports wasm-bindgen rewrites or drops: not shipped as such.
  if (/^(__wbindgen_|__wbg_|__externref|export |import )/.test(name)) return '(wasm-bindgen glue)';
  const bare = name.replace(/^[<&*\s]+/, '').replace(/^(dyn |impl |mut )/, '');
  const own = bare.match(PATH);
  if (own) return own[1];
  const trait = bare.match(/ as ([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
  return trait ? trait[1] : '(other)';
}

/** Prints the code of `file` by crate, each line's name starting with `prefix`. */
function byCrate(file, prefix) {
  const csv = execFileSync('twiggy', ['top', '-n', '1000000', '--format', 'csv', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const sums = new Map();
  let total = 0;
  for (const line of csv.split('\n').slice(1)) {
    // Name may hold commas inside quotes; the size is the first field after it.
    const m = line.match(/^(.*),(\d+),[\d.]+,[\d.]*,[\d.]*$/);
    if (!m) continue;
    const crate = crateOf(m[1]);
    if (crate === null) continue;
    const bytes = Number(m[2]);
    sums.set(crate, (sums.get(crate) ?? 0) + bytes);
    total += bytes;
  }
  const top = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20);
  for (const [crate, bytes] of top) console.log(`${prefix}crate_${crate} ${bytes} bytes`);
  console.log(`${prefix}crates_code_total ${total} bytes`);
}

byCrate(wasm, '');
const split = mkdtempSync(join(tmpdir(), 'tableorder-crates-'));
try {
  execFileSync('wasm-split-cli', [wasm, split, '--out-name', 'main'], { stdio: 'ignore' });
  byCrate(join(split, 'main.wasm'), 'main_');
} finally {
  rmSync(split, { recursive: true, force: true });
}
