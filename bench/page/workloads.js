// The bench workloads. Each runs in a fresh page with ONE engine recording `document`.
//   setup(): builds the DOM that exists before the engine starts (not timed; it is in the snapshot).
//   run():   the timed workload (mutation workloads). May be async (the todo workload is).
//   snapshot: true  => the timed window is the engine's start -> its full snapshot (setup builds the page).
// The first six follow rrweb's own DOM-mutation benchmark fixtures (packages/rrweb/test/html/
// benchmark-dom-mutation*.html), re-written here, same shapes and sizes.

/** A tick that yields to the event loop: a new task, without setTimeout's 4 ms nesting clamp. */
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
export const nextTask = () =>
  new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });

function chains(branches, depth, parentOf) {
  for (let b = 0; b < branches; b++) {
    const node = document.createElement('div');
    node.setAttribute('branch', String(b));
    node.setAttribute('depth', '0');
    let current = node;
    for (let d = 1; d < depth; d++) {
      const child = document.createElement('div');
      child.setAttribute('branch', String(b));
      child.setAttribute('depth', String(d));
      current.appendChild(child);
      current = child;
    }
    parentOf(node);
  }
}

export const workloads = {
  'deep-nested': {
    title: 'deep nesting: 100 chains x 256 levels (25.7k divs)',
    run() {
      document.body.innerHTML = '';
      const tips = [];
      for (let i = 0; i < 100; i++) {
        const div = document.createElement('div');
        document.body.appendChild(div);
        tips.push(div);
      }
      for (let level = 0; level < 256; level++) {
        for (let i = 0; i < tips.length; i++) {
          const div = document.createElement('div');
          tips[i].appendChild(div);
          tips[i] = div;
        }
      }
    },
  },

  'create-1000x10': {
    title: 'create 1000x10 nodes (1000 branches, 10 deep, 2 attrs each)',
    run() {
      chains(1000, 10, (n) => document.body.appendChild(n));
    },
  },

  'add-remove': {
    title: 'create 1000x10 x2, remove all in between',
    run() {
      const add = () => {
        const frag = document.createDocumentFragment();
        chains(1000, 10, (n) => frag.appendChild(n));
        document.body.appendChild(frag);
      };
      add();
      document.querySelectorAll('div').forEach((n) => n.parentNode.removeChild(n));
      add();
    },
  },

  'descendant-add': {
    title: '1000 nodes, each appended into the previous (with text)',
    run() {
      let parent = document.body;
      for (let i = 0; i < 1000; i++) {
        const el = document.createElement('div');
        el.textContent = `el-${i + 1}`;
        parent.append(el);
        parent = el;
      }
    },
  },

  'add-move': {
    title: 'add 10,000 nodes, move them to a new container',
    setup() {
      const app = document.createElement('div');
      app.id = 'app';
      document.body.appendChild(app);
    },
    run() {
      const appendNodes = (parentNode, total) => {
        const el = document.createElement('div');
        for (let i = 0; i < total; i++) {
          const div = document.createElement('div');
          div.innerHTML = `div-${i + 1}`;
          el.append(div);
        }
        parentNode.append(el);
        return el;
      };
      const app = document.getElementById('app');
      const container = appendNodes(app, 10000);
      const newApp = document.createElement('div');
      newApp.append(container);
      document.body.append(newApp);
      app.remove();
      appendNodes(document.body, 1);
    },
  },

  attributes: {
    title: 'add a class to 10,000 existing divs',
    setup() {
      for (let i = 0; i < 10000; i++) document.body.appendChild(document.createElement('div'));
    },
    run() {
      for (const div of document.getElementsByTagName('div')) div.classList.add('foo');
    },
  },

  todo: {
    title: 'todo app: add 100, complete 100, delete 100 (one user action per task)',
    setup() {
      document.body.innerHTML = TODO_HTML;
      todoApp();
    },
    async run() {
      const input = document.querySelector('.new-todo');
      const form = document.querySelector('.todo-form');
      for (let i = 0; i < 100; i++) {
        input.value = `Todo item number ${i + 1}: ${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        form.requestSubmit();
        await nextTask();
      }
      for (const toggle of [...document.querySelectorAll('.todo-list .toggle')]) {
        toggle.click();
        await nextTask();
      }
      for (const destroy of [...document.querySelectorAll('.todo-list .destroy')]) {
        destroy.click();
        await nextTask();
      }
    },
  },

  'snapshot-10k': {
    title: 'full snapshot of a ~10k-node page',
    snapshot: true,
    setup() {
      buildShop(10_000);
    },
  },

  'snapshot-100k': {
    title: 'full snapshot of a ~100k-node page',
    snapshot: true,
    setup() {
      buildShop(100_000);
    },
  },
};

// ---------------------------------------------------------------- todo app (TodoMVC-like, vanilla)

const WORDS = [
  'buy milk',
  'call Alice',
  'review PR',
  'fix the build',
  'water plants',
  'book flights',
  'write report',
  'pay rent',
  'clean desk',
  'update deps',
  'plan sprint',
  'read chapter 4',
];

const TODO_HTML = `
<section class="todoapp">
  <header class="header">
    <h1>todos</h1>
    <form class="todo-form" action="#">
      <input class="new-todo" name="title" placeholder="What needs to be done?" autocomplete="off" autofocus>
    </form>
  </header>
  <section class="main">
    <input id="toggle-all" class="toggle-all" type="checkbox">
    <label for="toggle-all">Mark all as complete</label>
    <ul class="todo-list"></ul>
  </section>
  <footer class="footer">
    <span class="todo-count"><strong>0</strong> items left</span>
    <ul class="filters">
      <li><a class="selected" href="#/">All</a></li>
      <li><a href="#/active">Active</a></li>
      <li><a href="#/completed">Completed</a></li>
    </ul>
    <button class="clear-completed" hidden>Clear completed</button>
  </footer>
</section>`;

function todoApp() {
  const form = document.querySelector('.todo-form');
  const input = document.querySelector('.new-todo');
  const list = document.querySelector('.todo-list');
  const count = document.querySelector('.todo-count strong');
  const clear = document.querySelector('.clear-completed');
  const items = new Map();
  let nextId = 1;
  const render = () => {
    let left = 0;
    let done = 0;
    for (const item of items.values()) item.completed ? done++ : left++;
    count.textContent = String(left);
    count.nextSibling.data = left === 1 ? ' item left' : ' items left';
    clear.hidden = done === 0;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const title = input.value.trim();
    if (!title) return;
    const id = nextId++;
    const li = document.createElement('li');
    li.dataset.id = String(id);
    const view = document.createElement('div');
    view.className = 'view';
    const toggle = document.createElement('input');
    toggle.className = 'toggle';
    toggle.type = 'checkbox';
    const label = document.createElement('label');
    label.textContent = title;
    const destroy = document.createElement('button');
    destroy.className = 'destroy';
    destroy.setAttribute('aria-label', `Delete ${title}`);
    view.append(toggle, label, destroy);
    li.append(view);
    list.append(li);
    items.set(id, { title, completed: false });
    input.value = '';
    render();
  });
  list.addEventListener('change', (e) => {
    const li = e.target.closest('li');
    const item = items.get(Number(li.dataset.id));
    item.completed = e.target.checked;
    li.classList.toggle('completed', item.completed);
    render();
  });
  list.addEventListener('click', (e) => {
    if (!e.target.classList.contains('destroy')) return;
    const li = e.target.closest('li');
    items.delete(Number(li.dataset.id));
    li.remove();
    render();
  });
}

// ---------------------------------------------------------------- a realistic shop page, N nodes

/** Small deterministic PRNG (mulberry32), so every run and both engines see the same page. */
function prng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOREM = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut ' +
  'labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ' +
  'aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum'
).split(' ');
const CATS = ['shoes', 'bags', 'jackets', 'shirts', 'hats', 'watches', 'socks', 'belts'];

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#222;background:#fafafa}
.site-header{display:flex;align-items:center;gap:16px;padding:12px 24px;background:#fff;border-bottom:1px solid #eee}
.site-header nav a{color:#333;text-decoration:none;margin-right:12px}
.search input{padding:6px 10px;border:1px solid #ccc;border-radius:4px;width:280px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px;padding:24px}
.card{background:#fff;border:1px solid #e5e5e5;border-radius:8px;padding:12px;display:flex;flex-direction:column}
.card--featured{border-color:#f90;box-shadow:0 2px 8px rgba(255,153,0,.2)}
.card__title{font-size:15px;margin:0 0 6px}
.card__title a{color:#0a58ca;text-decoration:none}
.card__title a:hover{text-decoration:underline}
.badge{display:inline-block;font-size:11px;padding:2px 6px;border-radius:10px;background:#eee}
.badge--sale{background:#fde2e2;color:#b00}
.tags{list-style:none;padding:0;margin:6px 0;display:flex;gap:4px;flex-wrap:wrap}
.tag{font-size:11px;background:#f1f3f5;padding:1px 6px;border-radius:3px}
.price{font-weight:600}.price--old{text-decoration:line-through;color:#999;margin-left:6px}
.btn{border:0;border-radius:4px;padding:6px 10px;cursor:pointer}
.btn-primary{background:#0a58ca;color:#fff}.btn-primary:hover{background:#084298}
.qty input{width:48px}
.site-footer{padding:24px;color:#777;border-top:1px solid #eee}
@media (max-width:600px){.grid{grid-template-columns:1fr}.search input{width:100%}}
`;

function buildShop(targetNodes) {
  let rnd = prng(42);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const words = (n) => Array.from({ length: n }, () => pick(LOREM)).join(' ');
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  let pid = 1000;
  const card = () => {
    const id = pid++;
    const cat = pick(CATS);
    const sale = rnd() < 0.3;
    const price = (5 + rnd() * 200).toFixed(2);
    const tags = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `<li class="tag">${pick(LOREM)}</li>`).join('');
    return `
    <article class="card${rnd() < 0.1 ? ' card--featured' : ''}" id="p${id}" data-id="${id}" data-category="${cat}">
      <header class="card__header">
        <h3 class="card__title"><a href="/products/${cat}/${id}" title="${esc(words(3))}">${esc(words(3 + Math.floor(rnd() * 3)))}</a></h3>
        ${sale ? '<span class="badge badge--sale">Sale</span>' : `<span class="badge">${cat}</span>`}
      </header>
      <div class="card__body">
        <p class="card__desc">${esc(words(8 + Math.floor(rnd() * 12)))} <strong>${esc(words(2))}</strong> ${esc(words(6))}.</p>
        <ul class="tags">${tags}</ul>
        <div class="price-row"><span class="price" aria-label="Price">$${price}</span>${sale ? `<span class="price--old">$${(price * 1.3).toFixed(2)}</span>` : ''}</div>
      </div>
      <footer class="card__footer">
        <label class="qty">Qty <input type="number" name="qty-${id}" value="1" min="1" max="9"></label>
        <button type="button" class="btn btn-primary" data-action="add-to-cart" data-product="${id}">Add to cart</button>
        <input type="checkbox" name="fav-${id}" aria-label="Favourite"${rnd() < 0.2 ? ' checked' : ''}>
      </footer>
    </article>`;
  };
  const chrome = (gridHtml) => `
  <header class="site-header">
    <a class="logo" href="/"><strong>Shop</strong></a>
    <nav>${CATS.map((c) => `<a href="/c/${c}">${c}</a>`).join('')}</nav>
    <form class="search" role="search"><input type="search" name="q" placeholder="Search products"></form>
  </header>
  <main>
    <!-- product grid -->
    <section class="grid" aria-label="Products">${gridHtml}
    </section>
  </main>
  <footer class="site-footer"><p>&copy; 2025 Shop Inc. <a href="/terms">Terms</a> <a href="/privacy">Privacy</a></p></footer>`;

  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
  // measure one card's node count, then build enough cards to reach the target
  document.body.innerHTML = chrome(card());
  const base = countNodes(document.body);
  const perCard = countNodes(document.querySelector('.card')) + 1; // + the whitespace before it
  let cards = Math.max(1, Math.round((targetNodes - base) / perCard) + 1);
  // build, count, correct the card count once (cards vary in size), build again
  for (let pass = 0; pass < 2; pass++) {
    const r = prng(7);
    pid = 1000;
    rnd = r;
    const parts = [];
    for (let i = 0; i < cards; i++) parts.push(card());
    document.body.innerHTML = chrome(parts.join(''));
    if (pass === 0) cards = Math.max(1, Math.round((cards * (targetNodes - base)) / (countNodes(document.body) - base)));
  }
}

export function countNodes(root) {
  let n = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  do n++;
  while (walker.nextNode());
  return n;
}
