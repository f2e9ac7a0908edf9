// Preact with hooks (its own API, not preact/compat); the new-todo field is controlled.
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { FILTERS, visible } from '../shared.js';

let nextId = 1;

function Item({ todo, editing, onToggle, onEdit, onSave, onDestroy }) {
  const cls = [todo.completed && 'completed', editing && 'editing'].filter(Boolean).join(' ');
  return (
    <li class={cls}>
      <div class="view">
        <input class="toggle" type="checkbox" checked={todo.completed} onChange={onToggle} />
        <label onDblClick={onEdit}>{todo.title}</label>
        <button class="destroy" onClick={onDestroy} />
      </div>
      {editing && <input class="edit" value={todo.title} onKeyDown={(e) => e.key === 'Enter' && onSave(e.target.value.trim())} />}
    </li>
  );
}

function App() {
  const [todos, setTodos] = useState([]);
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('all');
  const [editing, setEditing] = useState(null);
  const patch = (id, p) => setTodos((ts) => ts.map((t) => (t.id === id ? { ...t, ...p } : t)));
  const add = (e) => {
    if (e.key !== 'Enter' || !draft.trim()) return;
    setTodos((ts) => [...ts, { id: nextId++, title: draft.trim(), completed: false }]);
    setDraft('');
  };
  return (
    <section class="todoapp">
      <header class="header">
        <h1>todos</h1>
        <input
          class="new-todo"
          placeholder="What needs to be done?"
          value={draft}
          onInput={(e) => setDraft(e.target.value)}
          onKeyDown={add}
        />
      </header>
      <section class="main">
        <ul class="todo-list">
          {todos
            .filter((t) => visible(filter, t))
            .map((t) => (
              <Item
                key={t.id}
                todo={t}
                editing={editing === t.id}
                onToggle={() => patch(t.id, { completed: !t.completed })}
                onEdit={() => setEditing(t.id)}
                onSave={(title) => {
                  patch(t.id, { title });
                  setEditing(null);
                }}
                onDestroy={() => setTodos((ts) => ts.filter((x) => x.id !== t.id))}
              />
            ))}
        </ul>
      </section>
      <footer class="footer">
        <span class="todo-count">
          <strong>{todos.filter((t) => !t.completed).length}</strong> items left
        </span>
        <ul class="filters">
          {FILTERS.map(([f, label]) => (
            <li key={f}>
              <button data-filter={f} class={f === filter ? 'selected' : undefined} onClick={() => setFilter(f)}>
                {label}
              </button>
            </li>
          ))}
        </ul>
        <button class="clear-completed" onClick={() => setTodos((ts) => ts.filter((t) => !t.completed))}>
          Clear completed
        </button>
      </footer>
    </section>
  );
}

export async function mount(container) {
  render(<App />, container);
  return { root: document, idle: () => Promise.resolve() };
}
