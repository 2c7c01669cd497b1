// The demo store with N tables on its first floor (a simulator fixture), on stdout.
//   node bench/fixture-tables.mjs 30
import { readFileSync } from 'node:fs';

const n = Number(process.argv[2] ?? 30);
const store = JSON.parse(readFileSync(new URL('../crates/pos-sim/fixtures/demo-store.json', import.meta.url), 'utf8'));
store.TABLE_LIST = Array.from({ length: n }, (_, i) => ({
  FLR_CODE: '0001', FLR_NAME: '1층', TBL_CODE: String(i + 1).padStart(4, '0'), TBL_NAME: `${i + 1}번 테이블`,
}));
process.stdout.write(JSON.stringify(store));
