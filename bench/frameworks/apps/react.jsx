// React 19 (react-dom/client), function components and hooks; the new-todo field is controlled.
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { FILTERS, visible } from '../shared.js';

let nextId = 1;

function Item({ todo, editing, onToggle, onEdit, onSave, onDestroy }) {
  const cls = [todo.completed && 'completed', editing && 'editing'].filter(Boolean).join(' ');
  return (
    <li className={cls}>
      <div className="view">
        <input className="toggle" type="checkbox" checked={todo.completed} onChange={onToggle} />
        <label onDoubleClick={onEdit}>{todo.title}</label>
        <button className="destroy" onClick={onDestroy} />
      </div>
      {editing && (
        <input className="edit" defaultValue={todo.title} onKeyDown={(e) => e.key === 'Enter' && onSave(e.target.value.trim())} />
      )}
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
    <section className="todoapp">
      <header className="header">
        <h1>todos</h1>
        <input
          className="new-todo"
          placeholder="What needs to be done?"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={add}
        />
      </header>
      <section className="main">
        <ul className="todo-list">
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
      <footer className="footer">
        <span className="todo-count">
          <strong>{todos.filter((t) => !t.completed).length}</strong> items left
        </span>
        <ul className="filters">
          {FILTERS.map(([f, label]) => (
            <li key={f}>
              <button data-filter={f} className={f === filter ? 'selected' : undefined} onClick={() => setFilter(f)}>
                {label}
              </button>
            </li>
          ))}
        </ul>
        <button className="clear-completed" onClick={() => setTodos((ts) => ts.filter((t) => !t.completed))}>
          Clear completed
        </button>
      </footer>
    </section>
  );
}

export async function mount(container) {
  const root = createRoot(container);
  flushSync(() => root.render(<App />));
  return { root: document, idle: () => Promise.resolve() };
}
