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

const store = query.get('store') ?? 'demo';
const kept = `tableorder-device:${store}`;

/** The server's refusal in the staff's words. */
function enrolRefusal(error) {
  switch (error?.code) {
    case 'device_required': return '코드가 맞지 않거나, 이미 사용되었거나, 15분이 지났습니다. 점주에게 새 코드를 받으세요.';
    case 'rate_limited': return '시도가 너무 많습니다. 잠시 후 다시 입력하세요.';
    case 'invalid_request': return '코드와 태블릿 이름을 확인하세요.';
    default: return error?.message;
  }
}

/** The enrolment form: resolves with the device credential once the owner's code worked. */
function enrol() {
  const form = document.getElementById('enrol');
  const error = document.getElementById('enrol-error');
  form.hidden = false;
  // Opened from the owner's enrolment QR code: the code is filled in already.
  const given = new URLSearchParams(location.search).get('code');
  if (given) form.elements.code.value = given;
  return new Promise((resolve) => {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const data = new FormData(form);
      try {
        const answer = await fetch(`/api/v1/stores/${store}/devices`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: data.get('code'), name: data.get('name') }),
        });
        const body = await answer.json();
        if (!answer.ok) throw new Error(enrolRefusal(body.error) ?? `오류 ${answer.status}`);
        localStorage.setItem(kept, body.credential);
        form.hidden = true;
        resolve(body.credential);
      } catch (e) {
        error.textContent = `등록하지 못했습니다: ${e.message}`;
      }
    });
  });
}

/** The credential this tablet keeps; asks for enrolment when there is none or it was revoked. */
async function credential() {
  const stored = localStorage.getItem(kept);
  if (stored) {
    const answer = await fetch(`/api/v1/stores/${store}/devices/me`, {
      headers: { authorization: `Device ${stored}` },
    }).catch(() => null);
    // Offline: keep it and let the widget retry. Refused: it was revoked, enrol again.
    if (answer?.status !== 403) return stored;
    localStorage.removeItem(kept);
  }
  return enrol();
}

mount(document.getElementById('order'), {
  store,
  table: query.get('table') ?? '0002-0001',
  mode: query.get('mode') ?? 'prepaid',
  lang: query.get('lang') ?? 'ko',
  device: await credential(),
  pay,
});
