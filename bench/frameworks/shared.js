// What every framework app shares: its stylesheet (TodoMVC-like, so style and layout work is real),
// the markup contract the driver relies on, and the filter rule. Each app in apps/ renders the same DOM:
//
// <section class="todoapp">
//   <header class="header"><h1>todos</h1><input class="new-todo" placeholder="What needs to be done?"></header>
//   <section class="main"><ul class="todo-list">
//     <li class="completed? editing?"><div class="view"><input class="toggle" type="checkbox"><label>title</label>
//       <button class="destroy"></button></div>[<input class="edit"> while editing]</li> ...
//   </ul></section>
//   <footer class="footer"><span class="todo-count"><strong>N</strong> items left</span>
//     <ul class="filters"><li><button data-filter="all|active|completed" class="selected?">All</button></li> x3</ul>
//     <button class="clear-completed">Clear completed</button></footer>
// </section>
//
// Behaviour: Enter in .new-todo adds (trimmed, non-empty) and clears it; double-click on a label edits
// (the driver focuses .edit), Enter in .edit saves its value; `change` on .toggle flips completed;
// .destroy removes; the filter buttons choose which items are rendered; .clear-completed removes the done.

export const FILTERS = [
  ['all', 'All'],
  ['active', 'Active'],
  ['completed', 'Completed'],
];

/** Whether `todo` is rendered under `filter`. */
export const visible = (filter, todo) => filter === 'all' || (filter === 'completed') === todo.completed;

export const CSS = `
body { margin: 0; font: 14px 'Helvetica Neue', Helvetica, Arial, sans-serif; background: #f5f5f5; color: #111; }
.todoapp { background: #fff; margin: 40px auto; max-width: 550px; position: relative; box-shadow: 0 2px 4px rgba(0,0,0,.2), 0 25px 50px rgba(0,0,0,.1); }
.todoapp h1 { position: absolute; top: -60px; width: 100%; font-size: 60px; font-weight: 200; text-align: center; color: #b83f45; margin: 0; }
.new-todo, .edit { position: relative; margin: 0; width: 100%; font-size: 24px; line-height: 1.4em; padding: 6px; border: 1px solid #999; box-sizing: border-box; }
.new-todo { padding: 16px 16px 16px 60px; height: 65px; border: none; background: rgba(0,0,0,.003); box-shadow: inset 0 -2px 1px rgba(0,0,0,.03); }
.main { position: relative; z-index: 2; border-top: 1px solid #e6e6e6; }
.todo-list { margin: 0; padding: 0; list-style: none; }
.todo-list li { position: relative; font-size: 24px; border-bottom: 1px solid #ededed; }
.todo-list li .view { display: flex; align-items: center; }
.todo-list li .toggle { width: 40px; height: 40px; margin: 0 8px; }
.todo-list li label { flex: 1; word-break: break-all; padding: 15px 15px 15px 8px; line-height: 1.2; transition: color .4s; }
.todo-list li.completed label { color: #949494; text-decoration: line-through; }
.todo-list li.editing .view { display: none; }
.todo-list li.editing .edit { display: block; width: calc(100% - 43px); padding: 12px 16px; margin: 0 0 0 43px; }
.todo-list li .destroy { width: 40px; height: 40px; font-size: 30px; color: #949494; border: 0; background: none; }
.todo-list li .destroy::after { content: '×'; }
.todo-list li:hover .destroy { color: #c18585; }
.footer { padding: 10px 15px; height: 20px; text-align: center; font-size: 15px; border-top: 1px solid #e6e6e6; display: flex; justify-content: space-between; }
.todo-count strong { font-weight: 300; }
.filters { margin: 0; padding: 0; list-style: none; display: flex; gap: 4px; }
.filters button { border: 1px solid transparent; border-radius: 3px; background: none; padding: 3px 7px; }
.filters button.selected { border-color: #ce4646; }
.clear-completed { border: 0; background: none; cursor: pointer; }
`;
