// A large restaurant in the upstream's shapes: 45 tables and 280 items in 14 categories —
// the demo store's nine categories as they are, and five long ones built from its items
// (their option groups and sold-out flags included), each item with a name and id of its own.
//   node bench/big-store.mjs OUT.json
import { readFileSync, writeFileSync } from 'node:fs';

const ITEMS = 280;
const TABLES = 45;
const demo = JSON.parse(readFileSync('crates/pos-sim/fixtures/demo-store.json', 'utf8'));
const models = demo.ITEM_GROUP_LIST.flatMap((g) => g.ITEM_LIST);
const added = 14 - demo.ITEM_GROUP_LIST.length;
const left = ITEMS - models.length;
const groups = Array.from({ length: added }, (_, g) => {
  const count = Math.floor(left / added) + (g < left % added ? 1 : 0);
  const ITEM_LIST = Array.from({ length: count }, (_, i) => {
    const model = models[(g * 7 + i) % models.length];
    return {
      ...model,
      ITEM_ID: `B${String(g + 1).padStart(2, '0')}${String(i + 1).padStart(2, '0')}`,
      ITEM_NAME: `${model.ITEM_NAME} ${i + 1}`,
      ITEM_AMT: model.ITEM_AMT + (i % 5) * 500,
    };
  });
  const code = `BG${String(g + 1).padStart(2, '0')}`;
  return { ...demo.ITEM_GROUP_LIST[0], ITEM_GROUP_CODE: code, ITEM_GROUP_NAME: `추천 ${g + 1}`, ITEM_GROUP_CNT: count, ITEM_LIST };
});
const TABLE_LIST = Array.from({ length: TABLES }, (_, i) => ({
  FLR_CODE: '0001', FLR_NAME: '1층', TBL_CODE: String(i + 1).padStart(4, '0'), TBL_NAME: `${i + 1}번 테이블`,
}));
writeFileSync(process.argv[2], JSON.stringify({ ...demo, TABLE_LIST, ITEM_GROUP_LIST: [...demo.ITEM_GROUP_LIST, ...groups] }));
