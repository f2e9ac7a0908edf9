// The customer's page behaviour. Everything here is ordinary page code that knows nothing about
// cobrowse-rtc: it changes the DOM, styles, a canvas, a shadow root and a CSS-in-JS sheet, so the
// agent's view has something to follow.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const yen = (n) => '￥' + n.toLocaleString('ja-JP');
const hhmmss = (d) => d.toLocaleTimeString('en-GB', { hour12: false });

// ---- clock and ticker (text changes every second) -------------------------------------------------
const TICKER = [
  'Free shipping on orders over ¥5,000',
  '新茶入荷しました — the new harvest is in',
  'Order before 14:00 for same-day dispatch',
  'ｶﾀｶﾅ sale: ﾎｳｼﾞﾁｬ 10% off ～ today only',
];
let tick = 0;
function everySecond() {
  const now = new Date();
  $('#clock').textContent = hhmmss(now);
  if (tick % 4 === 0) $('#ticker').textContent = TICKER[(tick / 4) % TICKER.length];
  const midnight = new Date(now);
  midnight.setHours(24, 0, 0, 0);
  const left = Math.max(0, Math.floor((midnight - now) / 1000));
  const h = Math.floor(left / 3600),
    m = Math.floor((left % 3600) / 60),
    s = left % 60;
  $('#deal-countdown').textContent = `Ends in ${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s`;
  tick++;
}
everySecond();
setInterval(everySecond, 1000);

// ---- products and cart (DOM insertions and removals) ----------------------------------------------
// sku -> { name, price, qty }; kept for this tab, so the cart page (cart.html) shows the same cart
const CART_KEY = 'kumo-cart';
const cart = new Map(JSON.parse(sessionStorage.getItem(CART_KEY) || '[]'));
function renderCart() {
  sessionStorage.setItem(CART_KEY, JSON.stringify([...cart]));
  const list = $('#cart');
  list.replaceChildren();
  let count = 0,
    total = 0;
  for (const [sku, item] of cart) {
    count += item.qty;
    total += item.qty * item.price;
    const li = document.createElement('li');
    li.dataset.sku = sku;
    const name = document.createElement('span');
    name.textContent = item.name;
    const qty = document.createElement('span');
    qty.className = 'qty';
    qty.textContent = `× ${item.qty}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', () => {
      cart.delete(sku);
      renderCart();
    });
    li.append(name, qty, remove);
    if (sku === lastAdded) li.classList.add('added');
    list.append(li);
  }
  if (!cart.size) {
    const li = document.createElement('li');
    li.className = 'empty muted';
    li.textContent = 'Your cart is empty.';
    list.append(li);
  }
  const badge = $('#cart-count');
  badge.textContent = String(count);
  badge.classList.remove('bump');
  void badge.offsetWidth; // restart the animation
  badge.classList.add('bump');
  $('#cart-total').textContent = yen(total);
  lastAdded = null;
}
let lastAdded = null;
for (const li of document.querySelectorAll('.product')) {
  li.querySelector('button.add').addEventListener('click', (e) => {
    const sku = li.dataset.sku;
    const item = cart.get(sku) ?? { name: li.querySelector('strong').textContent, price: Number(li.dataset.price), qty: 0 };
    item.qty++;
    cart.set(sku, item);
    lastAdded = sku;
    renderCart();
    e.currentTarget.textContent = 'Added ✓';
    setTimeout(() => (e.target.textContent = 'Add to cart'), 900);
  });
}
if (cart.size) renderCart(); // the cart this tab had on another page
$('#cart-button').addEventListener('click', () => $('#cart').scrollIntoView({ behavior: 'smooth', block: 'center' }));

// ---- order progress bar (style changes) -----------------------------------------------------------
let progress = 0;
setInterval(() => {
  progress = progress >= 100 ? 0 : Math.min(100, progress + 7);
  const bar = $('#progress-bar');
  bar.style.width = progress + '%';
  bar.classList.toggle('done', progress === 100);
  $('#progress-label').textContent = progress === 100 ? 'Shipped! 発送しました 🎉' : `Preparing your tea… ${progress}%`;
}, 1000);

// ---- canvas (pixels change) -----------------------------------------------------------------------
const canvas = $('#chart');
const g = canvas.getContext('2d');
const points = Array.from({ length: 32 }, (_, i) => 45 + 25 * Math.sin(i / 3));
function drawChart() {
  points.shift();
  const last = points[points.length - 1];
  points.push(Math.max(8, Math.min(82, last + (Math.random() - 0.5) * 22)));
  const { width: w, height: h } = canvas;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#e3e9e4';
  g.lineWidth = 1;
  for (let y = 15; y < h; y += 20) {
    g.beginPath();
    g.moveTo(0, y + 0.5);
    g.lineTo(w, y + 0.5);
    g.stroke();
  }
  const step = w / (points.length - 1);
  g.beginPath();
  points.forEach((p, i) => (i ? g.lineTo(i * step, h - p) : g.moveTo(0, h - p)));
  g.lineTo(w, h);
  g.lineTo(0, h);
  g.closePath();
  g.fillStyle = 'rgba(47,125,79,0.15)';
  g.fill();
  g.beginPath();
  points.forEach((p, i) => (i ? g.lineTo(i * step, h - p) : g.moveTo(0, h - p)));
  g.strokeStyle = '#2f7d4f';
  g.lineWidth = 2;
  g.stroke();
  g.fillStyle = '#16392a';
  g.font = '12px system-ui, sans-serif';
  g.fillText(`${Math.round(points[points.length - 1] * 13)} cups`, 8, 16);
}
drawChart();
setInterval(drawChart, 1000);

// ---- scrollable message list ----------------------------------------------------------------------
const MESSAGES = [
  'Your order #1042 was confirmed.',
  'ご注文ありがとうございます。',
  'Tip: brew sencha at 70–80 °C for 60 seconds.',
  'New: cold-brew bottles are back in stock.',
  'ｷｬﾝﾍﾟｰﾝ開催中 ～ spend ￥3,000, get a free sample.',
  'Your points balance: 1,240 pt.',
  'Matcha whisk restocked (茶筅).',
  'Reminder: your gift message is saved until checkout.',
];
let messageNo = 0;
function addMessage() {
  const li = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = hhmmss(new Date());
  li.append(time, MESSAGES[messageNo++ % MESSAGES.length]);
  $('#messages').append(li);
}
for (let i = 0; i < 6; i++) addMessage();
$('#more-messages').addEventListener('click', () => {
  for (let i = 0; i < 3; i++) addMessage();
  const list = $('#messages');
  list.scrollTop = list.scrollHeight;
});

// ---- form -----------------------------------------------------------------------------------------
$('#checkout-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const data = new FormData(e.target);
  const status = $('#form-status');
  status.textContent = data.get('name') ? `Thank you, ${data.get('name')}! (nothing was sent)` : 'Please enter your name.';
  status.style.color = data.get('name') ? 'var(--accent)' : 'var(--warn)';
});
$('#checkout-form').addEventListener('reset', () => {
  $('#form-status').textContent = '';
});

// ---- CSS-in-JS: rules inserted into an empty <style> (styled-components / emotion style) ----------
const cssInJs = $('#css-in-js').sheet;
let classNo = 0;
function css(body) {
  const name = `kc-${(++classNo).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  cssInJs.insertRule(`.${name} { ${body} }`, cssInJs.cssRules.length);
  return name;
}
const dealStyles = [
  css(
    'border-radius: 10px; padding: 10px 12px; margin-top: 12px; background: linear-gradient(135deg, #fff6dc, #ffe9b8); border: 1px solid #f0cf7a;',
  ),
  css(
    'border-radius: 10px; padding: 10px 12px; margin-top: 12px; background: linear-gradient(135deg, #1f4b36, #16392a); color: #f1f6f2; border: 1px solid #16392a;',
  ),
];
const dealTitle = css('font-weight: 700; font-size: 15px; letter-spacing: .02em;');
let dealStyle = 0;
$('#deal').className = dealStyles[0];
$('#deal .deal-title').classList.add(dealTitle);
$('#deal-theme').addEventListener('click', () => {
  dealStyle = (dealStyle + 1) % dealStyles.length;
  // a new rule each time, as CSS-in-JS libraries do for new props
  const accent = dealStyle ? '#f4c95d' : '#b5562b';
  const fresh = css(`color: ${accent};`);
  $('#deal').className = dealStyles[dealStyle];
  $('#deal-countdown').className = fresh;
});

// ---- a web component: open shadow root, styles from a constructed CSSStyleSheet ------------------
const starSheet = new CSSStyleSheet();
starSheet.replaceSync(`
  :host { display: inline-flex; gap: 2px; }
  button { all: unset; cursor: pointer; font-size: 20px; line-height: 1; color: #c9d3cc; transition: transform .1s; }
  button:hover { transform: scale(1.2); }
  button.on { color: #f0b429; }
  output { margin-left: 6px; font: 12px system-ui, sans-serif; color: #66736b; align-self: center; }
`);
class StarRating extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [starSheet];
    for (let i = 1; i <= 5; i++) {
      const b = document.createElement('button');
      b.textContent = '★';
      b.title = `${i} star${i > 1 ? 's' : ''}`;
      b.addEventListener('click', () => this.setAttribute('value', String(i)));
      root.append(b);
    }
    root.append(document.createElement('output'));
  }
  static get observedAttributes() {
    return ['value'];
  }
  attributeChangedCallback() {
    const v = Number(this.getAttribute('value')) || 0;
    this.shadowRoot.querySelectorAll('button').forEach((b, i) => b.classList.toggle('on', i < v));
    this.shadowRoot.querySelector('output').textContent = ['', 'うーん', 'OK', 'Good', 'Great', '最高！'][v] ?? '';
  }
}
customElements.define('star-rating', StarRating);
