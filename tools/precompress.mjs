// Writes `NAME.br` and `NAME.gz` beside every text and wasm file of a build, once, at the
// highest settings: the server sends them as they are instead of compressing per request.
// For release the gzip copies are made by zopfli: still gzip to every browser, 4–5 % smaller
// than zlib's best (and gzip is what a phone gets over plain HTTP: browsers ask for brotli
// over HTTPS only). It takes seconds, so development builds use zlib.
//   node tools/precompress.mjs [dir]   (trunk runs it after each build, on its staging dir)
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist';
const release = (process.env.TRUNK_PROFILE ?? 'release') === 'release';
const compressible = /\.(html|js|mjs|css|wasm|json|svg|txt)$/;

function files(path) {
  return readdirSync(path).flatMap((name) => {
    const file = join(path, name);
    if (statSync(file).isDirectory()) return files(file);
    return compressible.test(name) ? [file] : [];
  });
}

async function gzip(file, bytes) {
  if (!release) return gzipSync(bytes, { level: 9 });
  try {
    const { stdout } = await promisify(execFile)('zopfli', ['-c', file], {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('zopfli is not installed: `./run setup` installs it (Debian package zopfli)');
    throw e;
  }
}

async function compress(file) {
  const bytes = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }));
  writeFileSync(`${file}.gz`, await gzip(file, bytes));
}

// One zopfli per core.
const queue = files(dir);
const worker = async () => {
  for (let file = queue.shift(); file; file = queue.shift()) await compress(file);
};
await Promise.all(Array.from({ length: availableParallelism() }, worker));
