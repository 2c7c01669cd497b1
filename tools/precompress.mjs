// Writes `NAME.br` and `NAME.gz` beside every text and wasm file of a build, once, at the
// highest settings: the server sends them as they are instead of compressing per request.
//   node tools/precompress.mjs [dir]   (trunk runs it after each build, on its staging dir)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist';
const compressible = /\.(html|js|mjs|css|wasm|json|svg|txt)$/;

function walk(path) {
  for (const name of readdirSync(path)) {
    const file = join(path, name);
    if (statSync(file).isDirectory()) {
      walk(file);
    } else if (compressible.test(name)) {
      const bytes = readFileSync(file);
      writeFileSync(`${file}.br`, brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }));
      writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
    }
  }
}

walk(dir);
