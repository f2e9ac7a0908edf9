// jQuery, as TodoMVC's jQuery app is written: state in an array, the whole list re-rendered from a
// template string on every change, delegated event handlers on the app's root.
import $ from 'jquery';
import { FILTERS, visible } from '../shared.js';

const esc = (s) => $('<div>').text(s).html();

export async function mount(container) {
  let todos = [];
  let filter = 'all';
  let editing = null;
  let nextId = 1;
  const $app = $(
    `<section class="todoapp"><header class="header"><h1>todos</h1><input class="new-todo" placeholder="What needs to be done?"></header><section class="main"><ul class="todo-list"></ul></section><footer class="footer"></footer></section>`,
  ).appendTo(container);
  const $list = $app.find('.todo-list');
  const $footer = $app.find('.footer');
  const idOf = (el) => Number($(el).closest('li').data('id'));

  function render() {
    const item = (t) =>
      `<li data-id="${t.id}" class="${[t.completed && 'completed', editing === t.id && 'editing'].filter(Boolean).join(' ')}"><div class="view"><input class="toggle" type="checkbox"${t.completed ? ' checked' : ''}><label>${esc(t.title)}</label><button class="destroy"></button></div>${editing === t.id ? `<input class="edit" value="${esc(t.title)}">` : ''}</li>`;
    $list.html(
      todos
        .filter((t) => visible(filter, t))
        .map(item)
        .join(''),
    );
    const left = todos.filter((t) => !t.completed).length;
    $footer.html(
      `<span class="todo-count"><strong>${left}</strong> items left</span><ul class="filters">${FILTERS.map(([f, label]) => `<li><button data-filter="${f}"${f === filter ? ' class="selected"' : ''}>${label}</button></li>`).join('')}</ul><button class="clear-completed">Clear completed</button>`,
    );
  }

  $app
    .on('keydown', '.new-todo', function (e) {
      const title = $(this).val().trim();
      if (e.key !== 'Enter' || !title) return;
      todos.push({ id: nextId++, title, completed: false });
      $(this).val('');
      render();
    })
    .on('change', '.toggle', function () {
      const t = todos.find((x) => x.id === idOf(this));
      t.completed = !t.completed;
      render();
    })
    .on('dblclick', 'label', function () {
      editing = idOf(this);
      render();
    })
    .on('keydown', '.edit', function (e) {
      if (e.key !== 'Enter') return;
      todos.find((x) => x.id === idOf(this)).title = $(this).val().trim();
      editing = null;
      render();
    })
    .on('click', '.destroy', function () {
      todos = todos.filter((x) => x.id !== idOf(this));
      render();
    })
    .on('click', '.filters button', function () {
      filter = $(this).data('filter');
      render();
    })
    .on('click', '.clear-completed', () => {
      todos = todos.filter((x) => !x.completed);
      render();
    });
  render();
  return { root: document, idle: () => Promise.resolve() };
}
