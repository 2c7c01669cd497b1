// Minifies the stylesheets for release with lightningcss (what trunk itself would use;
// trunk's own switch would minify index.html too, whose quoted attributes the server and
// split-wasm.mjs read) and names each by its hash: the page's (widget.css), whose link in
// index.html it points at the new name with fresh integrity, and the floating layer's
// (layer.css, which trunk copies as it is), which split-wasm.mjs then wires to the layer's
// loader. Trunk runs it first after the build, before split-wasm.mjs and precompress.mjs.
//   node tools/minify-css.mjs   (trunk sets TRUNK_STAGING_DIR, TRUNK_PROFILE)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'lightningcss';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run by trunk: TRUNK_STAGING_DIR is not set');
const release = (process.env.TRUNK_PROFILE ?? 'release') === 'release';

/** `file` in the staging dir, minified for release, written as `base-HASH.css` in its place; the new name and the bytes written. */
function named(file, base) {
  const bytes = readFileSync(join(staging, file));
  const code = release ? transform({ filename: file, code: bytes, minify: true }).code : bytes;
  const name = `${base}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}`;
  writeFileSync(join(staging, `${name}.css`), code);
  unlinkSync(join(staging, file));
  return { name, code };
}

if (!existsSync(join(staging, 'layer.css'))) throw new Error('no layer.css: index.html must copy style/layer.css');
named('layer.css', 'layer');

if (release) {
  const html = join(staging, 'index.html');
  const page = readFileSync(html, 'utf8');
  const link = page.match(/<link rel="stylesheet" href="\/((widget)-[0-9a-f]{1,16})\.css" integrity="[^"]+"/);
  if (!link) throw new Error('index.html: no stylesheet link for widget.css');
  const [tag, oldName, base] = link;
  const { name, code } = named(`${oldName}.css`, base);
  const sri = `sha384-${createHash('sha384').update(code).digest('base64')}`;
  writeFileSync(html, page.replace(tag, `<link rel="stylesheet" href="/${name}.css" integrity="${sri}"`));
}
