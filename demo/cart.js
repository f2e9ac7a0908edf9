// The cart page: the cart this tab filled on the shop page (customer.js keeps it in sessionStorage),
// so the header's count and the rows agree with what the customer added. Ordinary page code.
'use strict';
{
  const CART_KEY = 'kumo-cart';
  const cart = new Map(JSON.parse(sessionStorage.getItem(CART_KEY) || '[]'));
  const yen = (n) => '￥' + n.toLocaleString('ja-JP');
  const rows = document.getElementById('cart-rows');

  function render() {
    let count = 0;
    rows.replaceChildren(
      ...[...cart].map(([sku, item]) => {
        count += item.qty;
        const tr = document.createElement('tr');
        tr.dataset.sku = sku;
        const name = document.createElement('td');
        name.textContent = item.name;
        const qty = document.createElement('input');
        qty.type = 'number';
        qty.min = '0';
        qty.value = String(item.qty);
        qty.setAttribute('aria-label', `Quantity of ${item.name}`);
        qty.addEventListener('change', () => {
          const n = Math.max(0, Math.floor(Number(qty.value) || 0));
          if (n) item.qty = n;
          else cart.delete(sku);
          sessionStorage.setItem(CART_KEY, JSON.stringify([...cart]));
          render();
        });
        const price = document.createElement('td');
        price.textContent = yen(item.qty * item.price);
        const cell = document.createElement('td');
        cell.append(qty);
        tr.append(name, cell, price);
        return tr;
      }),
    );
    document.getElementById('cart-count').textContent = String(count);
    document.getElementById('cart-empty').hidden = cart.size > 0;
  }
  render();

  // the store clock, as on every page of the shop (the demo's one format: 24-hour, with seconds)
  const clock = () => (document.getElementById('clock').textContent = new Date().toLocaleTimeString('en-GB', { hour12: false }));
  clock();
  setInterval(clock, 1000);
}
