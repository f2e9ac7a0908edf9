// Svelte 5: App.svelte compiled in Node (svelte/compiler, client output), mounted with `mount`.
import { flushSync, mount as mountSvelte, tick } from 'svelte';
import App from './App.svelte';

export async function mount(container) {
  mountSvelte(App, { target: container });
  flushSync();
  return { root: document, idle: () => tick() };
}
