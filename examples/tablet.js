// The tablet's host page: the widget in prepaid (or cash) mode, paying through the terminal.
import { mount } from '/embed.js';

const query = new URLSearchParams(location.search);
const vcat = document.getElementById('vcat');

/** What the tablet's payment app does: take the card, return the approval. */
async function pay({ amount, clientOrderId }) {
  document.getElementById('vcat-amount').textContent = `${amount.toLocaleString('ko-KR')}원`;
  vcat.hidden = false;
  try {
    const answer = await fetch('/sim/vcat/approve', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount, reference: clientOrderId }),
    });
    const body = await answer.json();
    if (!answer.ok) throw new Error(body.error?.message ?? `card terminal error ${answer.status}`);
    return body;
  } finally {
    vcat.hidden = true;
  }
}

mount(document.getElementById('order'), {
  store: query.get('store') ?? 'demo',
  table: query.get('table') ?? '0002-0001',
  mode: query.get('mode') ?? 'prepaid',
  lang: query.get('lang') ?? 'ko',
  pay,
});
