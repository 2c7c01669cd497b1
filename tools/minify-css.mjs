// Minifies the page's stylesheet for release with lightningcss (what trunk itself would use;
// trunk's own switch would minify index.html too, whose quoted attributes the server and
// split-wasm.mjs read), names it by its new hash and points index.html at it, with fresh
// integrity. Trunk runs it after split-wasm.mjs, before precompress.mjs.
//   node tools/minify-css.mjs   (trunk sets TRUNK_STAGING_DIR, TRUNK_PROFILE)
import { createHash } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'lightningcss';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run by trunk: TRUNK_STAGING_DIR is not set');
if ((process.env.TRUNK_PROFILE ?? 'release') !== 'release') process.exit(0);

const html = join(staging, 'index.html');
const page = readFileSync(html, 'utf8');
const link = page.match(/<link rel="stylesheet" href="\/((widget)-[0-9a-f]{1,16})\.css" integrity="[^"]+"/);
if (!link) throw new Error('index.html: no stylesheet link for widget.css');
const [tag, oldName, base] = link;
const { code } = transform({ filename: `${oldName}.css`, code: readFileSync(join(staging, `${oldName}.css`)), minify: true });
const name = `${base}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}`;
const sri = `sha384-${createHash('sha384').update(code).digest('base64')}`;
writeFileSync(join(staging, `${name}.css`), code);
unlinkSync(join(staging, `${oldName}.css`));
writeFileSync(html, page.replace(tag, `<link rel="stylesheet" href="/${name}.css" integrity="${sri}"`));
