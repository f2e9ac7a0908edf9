// Lit 3: one LitElement with its own shadow root (Lit's usual way), the stylesheet adopted into it.
// The driver queries inside the shadow root.
import { LitElement, html, unsafeCSS } from 'lit';
import { FILTERS, CSS, visible } from '../shared.js';

let nextId = 1;

class TodoApp extends LitElement {
  static properties = { todos: { state: true }, filter: { state: true }, editing: { state: true } };
  static styles = unsafeCSS(CSS);

  constructor() {
    super();
    this.todos = [];
    this.filter = 'all';
    this.editing = null;
  }
  #patch(id, p) {
    this.todos = this.todos.map((t) => (t.id === id ? { ...t, ...p } : t));
  }
  #add(e) {
    const title = e.target.value.trim();
    if (e.key !== 'Enter' || !title) return;
    this.todos = [...this.todos, { id: nextId++, title, completed: false }];
    e.target.value = '';
  }
  #save(e, t) {
    if (e.key !== 'Enter') return;
    this.#patch(t.id, { title: e.target.value.trim() });
    this.editing = null;
  }
  #item(t) {
    const cls = [t.completed && 'completed', this.editing === t.id && 'editing'].filter(Boolean).join(' ');
    return html`<li class=${cls}>
      <div class="view">
        <input
          class="toggle"
          type="checkbox"
          .checked=${t.completed}
          @change=${() => this.#patch(t.id, { completed: !t.completed })}
        /><label @dblclick=${() => (this.editing = t.id)}>${t.title}</label
        ><button class="destroy" @click=${() => (this.todos = this.todos.filter((x) => x.id !== t.id))}></button>
      </div>
      ${this.editing === t.id ? html`<input class="edit" .value=${t.title} @keydown=${(e) => this.#save(e, t)} />` : null}
    </li>`;
  }
  render() {
    const shown = this.todos.filter((t) => visible(this.filter, t));
    return html`<section class="todoapp">
      <header class="header">
        <h1>todos</h1>
        <input class="new-todo" placeholder="What needs to be done?" @keydown=${this.#add} />
      </header>
      <section class="main">
        <ul class="todo-list">
          ${shown.map((t) => this.#item(t))}
        </ul>
      </section>
      <footer class="footer">
        <span class="todo-count"><strong>${this.todos.filter((t) => !t.completed).length}</strong> items left</span>
        <ul class="filters">
          ${FILTERS.map(
            ([f, label]) =>
              html`<li>
                <button data-filter=${f} class=${f === this.filter ? 'selected' : ''} @click=${() => (this.filter = f)}>${label}</button>
              </li>`,
          )}
        </ul>
        <button class="clear-completed" @click=${() => (this.todos = this.todos.filter((t) => !t.completed))}>Clear completed</button>
      </footer>
    </section>`;
  }
}
customElements.define('todo-app', TodoApp);

export async function mount(container) {
  const el = document.createElement('todo-app');
  container.append(el);
  await el.updateComplete;
  return { root: el.shadowRoot, idle: () => el.updateComplete.then(() => {}) };
}
