// Vue 3, the full build (templates compiled in the browser at mount), Composition API, v-model on
// the new-todo field.
import { createApp, nextTick, ref, computed } from 'vue';
import { FILTERS, visible } from '../shared.js';

const template = `
<section class="todoapp">
  <header class="header"><h1>todos</h1><input class="new-todo" placeholder="What needs to be done?" v-model="draft" @keydown.enter="add"></header>
  <section class="main"><ul class="todo-list">
    <li v-for="t in shown" :key="t.id" :class="{ completed: t.completed, editing: editing === t.id }">
      <div class="view"><input class="toggle" type="checkbox" :checked="t.completed" @change="t.completed = !t.completed"><label @dblclick="editing = t.id">{{ t.title }}</label><button class="destroy" @click="remove(t)"></button></div>
      <input v-if="editing === t.id" class="edit" :value="t.title" @keydown.enter="save(t, $event.target.value)">
    </li>
  </ul></section>
  <footer class="footer">
    <span class="todo-count"><strong>{{ left }}</strong> items left</span>
    <ul class="filters"><li v-for="[f, label] in FILTERS" :key="f"><button :data-filter="f" :class="{ selected: f === filter }" @click="filter = f">{{ label }}</button></li></ul>
    <button class="clear-completed" @click="todos = todos.filter((t) => !t.completed)">Clear completed</button>
  </footer>
</section>`;

let nextId = 1;

export async function mount(container) {
  createApp({
    template,
    setup() {
      const todos = ref([]);
      const draft = ref('');
      const filter = ref('all');
      const editing = ref(null);
      const shown = computed(() => todos.value.filter((t) => visible(filter.value, t)));
      const left = computed(() => todos.value.filter((t) => !t.completed).length);
      const add = () => {
        const title = draft.value.trim();
        if (!title) return;
        todos.value.push({ id: nextId++, title, completed: false });
        draft.value = '';
      };
      const save = (t, value) => {
        t.title = value.trim();
        editing.value = null;
      };
      const remove = (t) => (todos.value = todos.value.filter((x) => x !== t));
      return { todos, draft, filter, editing, shown, left, add, save, remove, FILTERS };
    },
  }).mount(container);
  await nextTick();
  return { root: document, idle: () => nextTick() };
}
