// Angular 20 (the last major that runs on Node 20, our minimum), standalone component with signals and the built-in control flow, zoneless (no zone.js),
// compiled JIT in the browser by @angular/compiler at bootstrap (before the timed window).
import '@angular/compiler';
import { Component, computed, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { FILTERS, visible } from '../shared.js';

interface Todo {
  id: number;
  title: string;
  completed: boolean;
}
type Filter = 'all' | 'active' | 'completed';

let nextId = 1;
const valueOf = (e: Event): string => (e.target as HTMLInputElement).value;

@Component({
  selector: 'todo-app',
  standalone: true,
  template: `<section class="todoapp">
    <header class="header">
      <h1>todos</h1>
      <input
        class="new-todo"
        placeholder="What needs to be done?"
        [value]="draft()"
        (input)="draft.set(valueOf($event))"
        (keydown.enter)="add()"
      />
    </header>
    <section class="main">
      <ul class="todo-list">
        @for (t of shown(); track t.id) {
          <li [class.completed]="t.completed" [class.editing]="editing() === t.id">
            <div class="view">
              <input class="toggle" type="checkbox" [checked]="t.completed" (change)="patch(t.id, { completed: !t.completed })" /><label
                (dblclick)="editing.set(t.id)"
                >{{ t.title }}</label
              ><button class="destroy" (click)="remove(t.id)"></button>
            </div>
            @if (editing() === t.id) {
              <input class="edit" [value]="t.title" (keydown.enter)="save(t.id, valueOf($event))" />
            }
          </li>
        }
      </ul>
    </section>
    <footer class="footer">
      <span class="todo-count"
        ><strong>{{ left() }}</strong> items left</span
      >
      <ul class="filters">
        @for (f of filters; track f[0]) {
          <li>
            <button [attr.data-filter]="f[0]" [class.selected]="f[0] === filter()" (click)="filter.set(f[0])">{{ f[1] }}</button>
          </li>
        }
      </ul>
      <button class="clear-completed" (click)="todos.set(todos().filter(isActive))">Clear completed</button>
    </footer>
  </section>`,
})
class TodoApp {
  readonly filters = FILTERS as [Filter, string][];
  readonly todos = signal<Todo[]>([]);
  readonly draft = signal('');
  readonly filter = signal<Filter>('all');
  readonly editing = signal<number | null>(null);
  readonly shown = computed(() => this.todos().filter((t) => visible(this.filter(), t)));
  readonly left = computed(() => this.todos().filter(this.isActive).length);
  readonly valueOf = valueOf;
  isActive = (t: Todo): boolean => !t.completed;

  add(): void {
    const title = this.draft().trim();
    if (!title) return;
    this.todos.update((ts) => [...ts, { id: nextId++, title, completed: false }]);
    this.draft.set('');
  }
  patch(id: number, p: Partial<Todo>): void {
    this.todos.update((ts) => ts.map((t) => (t.id === id ? { ...t, ...p } : t)));
  }
  save(id: number, title: string): void {
    this.patch(id, { title: title.trim() });
    this.editing.set(null);
  }
  remove(id: number): void {
    this.todos.update((ts) => ts.filter((t) => t.id !== id));
  }
}

export async function mount(container: HTMLElement): Promise<{ root: Document; idle(): Promise<void> }> {
  container.append(document.createElement('todo-app'));
  const app = await bootstrapApplication(TodoApp, { providers: [provideZonelessChangeDetection()] });
  return { root: document, idle: () => app.whenStable() };
}
