// Plain DOM: state in an array, each item's <li> kept in a Map and patched in place (no library).
import { FILTERS, visible } from '../shared.js';

export async function mount(container) {
  let todos = [];
  let filter = 'all';
  let nextId = 1;
  const rows = new Map(); // id -> li
  container.innerHTML = `<section class="todoapp"><header class="header"><h1>todos</h1><input class="new-todo" placeholder="What needs to be done?"></header><section class="main"><ul class="todo-list"></ul></section><footer class="footer"><span class="todo-count"><strong>0</strong> items left</span><ul class="filters">${FILTERS.map(([f, label]) => `<li><button data-filter="${f}">${label}</button></li>`).join('')}</ul><button class="clear-completed">Clear completed</button></footer></section>`;
  const list = container.querySelector('.todo-list');
  const count = container.querySelector('.todo-count strong');
  const input = container.querySelector('.new-todo');

  const current = (id) => todos.find((t) => t.id === id);
  function row({ id }) {
    const li = document.createElement('li');
    li.innerHTML = '<div class="view"><input class="toggle" type="checkbox"><label></label><button class="destroy"></button></div>';
    li.querySelector('.toggle').addEventListener('change', () => update(id, { completed: !current(id).completed }));
    li.querySelector('label').addEventListener('dblclick', () => edit(current(id), li));
    li.querySelector('.destroy').addEventListener('click', () => remove((t) => t.id !== id));
    return li;
  }
  function edit(todo, li) {
    li.className = [todo.completed && 'completed', 'editing'].filter(Boolean).join(' ');
    const field = document.createElement('input');
    field.className = 'edit';
    field.value = todo.title;
    field.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      field.remove();
      update(todo.id, { title: field.value.trim() });
    });
    li.append(field);
  }
  function update(id, patch) {
    todos = todos.map((t) => (t.id === id ? { ...t, ...patch } : t));
    render();
  }
  function remove(keep) {
    todos = todos.filter(keep);
    render();
  }
  function render() {
    const shown = todos.filter((t) => visible(filter, t));
    for (const [id, li] of rows)
      if (!shown.some((t) => t.id === id)) {
        li.remove();
        rows.delete(id);
      }
    shown.forEach((t, i) => {
      let li = rows.get(t.id);
      if (!li) rows.set(t.id, (li = row(t)));
      const cls = t.completed ? 'completed' : '';
      if (li.className !== cls && !li.querySelector('.edit')) li.className = cls;
      li.querySelector('.toggle').checked = t.completed;
      const label = li.querySelector('label');
      if (label.textContent !== t.title) label.textContent = t.title;
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] ?? null);
    });
    count.textContent = String(todos.filter((t) => !t.completed).length);
    for (const b of container.querySelectorAll('.filters button')) b.className = b.dataset.filter === filter ? 'selected' : '';
  }

  input.addEventListener('keydown', (e) => {
    const title = input.value.trim();
    if (e.key !== 'Enter' || !title) return;
    todos = [...todos, { id: nextId++, title, completed: false }];
    input.value = '';
    render();
  });
  container.querySelector('.filters').addEventListener('click', (e) => {
    const f = e.target.closest('button')?.dataset.filter;
    if (!f) return;
    filter = f;
    render();
  });
  container.querySelector('.clear-completed').addEventListener('click', () => remove((t) => !t.completed));
  render();
  return { root: document, idle: () => Promise.resolve() };
}
