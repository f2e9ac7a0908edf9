#!/usr/bin/env node
// Where our capture's time goes in a CPU profile written by `node bench/frameworks.mjs --profile <app>`
// (or bench/profile.mjs): self time says little when small functions are inlined, so this sums the
// samples by the OUTERMOST frame of our engine's file (the entry points: the MutationObserver
// callback, the flush task, event handlers, patched setters), and, under one entry point, by the
// path of the next three calls.
//
//   node bench/profile-paths.mjs bench/results/fw-react-ours.cpuprofile
//   node bench/profile-paths.mjs bench/results/fw-react-ours.cpuprofile 4659   # under the frame at that line
import { readFileSync } from 'node:fs';

const [file, lineArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-paths.mjs <file.cpuprofile> [line of an engine frame]');
  process.exit(2);
}
const ENGINE = 'engine-ours';
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) => `${n.callFrame.functionName || '(anonymous)'}:${n.callFrame.lineNumber}`;
const ours = (n) => (n.callFrame.url ?? '').includes(ENGINE);

/** Each sample's stack, leaf first, with its duration in ms. */
function* samples() {
  for (let i = 0; i < profile.samples.length; i++) {
    const stack = [];
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) stack.push(nodes.get(id));
    yield { stack, ms: (profile.timeDeltas[i] ?? 0) / 1000 };
  }
}

function print(title, sums, n = 20) {
  console.log(`\n${title}`);
  for (const [k, v] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);
}

const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
if (lineArg === undefined) {
  const byEntry = new Map();
  for (const { stack, ms } of samples()) {
    const outer = stack.findLast(ours);
    if (outer) add(byEntry, name(outer), ms);
  }
  print(`time under each outermost frame of ${ENGINE} (its callees included)`, byEntry);
} else {
  const line = Number(lineArg);
  const byPath = new Map();
  const byLeaf = new Map();
  for (const { stack, ms } of samples()) {
    const at = stack.findIndex((n) => ours(n) && n.callFrame.lineNumber === line);
    if (at < 0) continue;
    add(
      byPath,
      stack
        .slice(Math.max(0, at - 3), at + 1)
        .reverse()
        .map(name)
        .join(' > '),
      ms,
    );
    add(byLeaf, name(stack[0]), ms);
  }
  print(`under the frame at line ${line}: by the path of the next three calls`, byPath);
  print('by the function the sample was in (self time)', byLeaf);
}
