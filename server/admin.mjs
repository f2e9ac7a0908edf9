#!/usr/bin/env node
// @ts-check
// The administrator's view of the signaling server's store (server/STORE.md): the audit log, a
// room's chat transcript, an integrity check. Reads the same file with the same key as the server,
// never writes it. While servers run it sees every event they have recorded (each is committed at once).
//
//   node server/admin.mjs audit      [--room R] [--since ISO] [--until ISO] [--json]
//   node server/admin.mjs transcript --room R [--json]
//   node server/admin.mjs verify
//
// Where: --db FILE or --data-dir DIR (the demo's: --data-dir .data), else SIGNALING_DB. --db may be
// given several times (servers on several hosts, one store file each, one key): `audit` and
// `transcript` merge their events by time and name each event's file; `verify` checks each file.
// Key:   SIGNALING_DATA_KEY (base64), or --key-file FILE / SIGNALING_KEY_FILE, or DIR/signaling.key.
// Exit status: 0, 1 (usage, missing database, wrong key), 3 (some rows were tampered with).
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { openStore, StoreError, TEXT_KIND } from './store/index.mjs';

const USAGE = `usage:
  node server/admin.mjs audit      [--room R] [--since ISO] [--until ISO] [--json]
  node server/admin.mjs transcript --room R [--json]
  node server/admin.mjs verify
options: --db FILE | --data-dir DIR (default: SIGNALING_DB), --key-file FILE (default: SIGNALING_KEY_FILE,
  or DIR/signaling.key); the key itself only through the environment: SIGNALING_DATA_KEY.
  --db FILE --db FILE ...: several stores under one key (one per host), events merged by time`;

class UsageError extends Error {}

/**
 * Runs one command; returns the exit status. Output goes through `out`/`err` (tests pass their own).
 * @param {string[]} argv
 * @param {{ env?: NodeJS.ProcessEnv, out?: (line: string) => void, err?: (line: string) => void }} [io]
 */
export async function main(argv, { env = process.env, out = (l) => console.log(l), err = (l) => console.error(l) } = {}) {
  /** @type {import('./store/audit-store.mjs').AuditStore[]} */
  const stores = [];
  try {
    const { values, positionals } = parse(argv);
    const [command] = positionals;
    if (!command || values.help) {
      out(USAGE);
      return command || values.help ? 0 : 1;
    }
    if (!['audit', 'transcript', 'verify'].includes(command) || positionals.length > 1)
      throw new UsageError(`unknown command "${positionals.join(' ')}"`);
    const since = time(values.since, '--since');
    const until = time(values.until, '--until');
    if (command === 'transcript' && !values.room) throw new UsageError('transcript needs --room R');
    const files = values.db?.length ? distinct(values.db) : [values['data-dir'] ? undefined : env.SIGNALING_DB];
    if (!files[0] && !values['data-dir'])
      throw new UsageError(
        'which database? pass --db FILE or --data-dir DIR, or set SIGNALING_DB (the demo keeps its own in .data/: --data-dir .data)',
      );
    for (const file of files) {
      stores.push(
        await openStore({
          file,
          dataDir: values['data-dir'],
          key: env.SIGNALING_DATA_KEY || undefined,
          keyFile: values['key-file'] ?? (env.SIGNALING_KEY_FILE || undefined),
          readOnly: true,
          log: err,
        }),
      );
    }

    if (command === 'verify') {
      let status = 0;
      for (const store of stores) status = Math.max(status, verify(store, out));
      return status;
    }

    const query =
      command === 'transcript'
        ? { room: values.room, since, until, kinds: [TEXT_KIND] }
        : { room: values.room, since, until, excludeKinds: [TEXT_KIND] };
    const several = stores.length > 1;
    /** @type {(import('./store/audit-store.mjs').StoredEvent & { store?: string })[]} */
    const events = several
      ? mergeByTime(stores.map((store) => store.events(query).map((ev) => ({ ...ev, store: store.file }))))
      : stores[0].events(query);
    let tampered = 0;
    for (const ev of events) {
      if (ev.error) tampered += 1;
      out(values.json ? JSON.stringify(ev) : printable(format(ev, several ? ev.store : '')));
    }
    if (!values.json && events.length === 0)
      out(values.room ? `no ${command === 'transcript' ? 'messages' : 'events'} for room ${values.room}` : 'no events');
    if (tampered) {
      err(`${tampered} row(s) could not be trusted (changed since they were written): shown as TAMPERED; the others are intact`);
      return 3;
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`admin: ${e.message}\n${USAGE}`);
      return 1;
    }
    if (e instanceof StoreError) {
      err(`admin: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    for (const store of stores) await store.close();
  }
}

/** `verify` of one store: prints its result; returns 0 (intact) or 3. */
function verify(/** @type {import('./store/audit-store.mjs').AuditStore} */ store, /** @type {(line: string) => void} */ out) {
  const v = store.verify();
  out(`${store.file}: ${v.rows} rows`);
  if (v.unreadable.length) out(`tampered rows (${v.unreadable.length}): ${v.unreadable.join(', ')}`);
  if (v.missing.length) out(`missing rows (deleted) (${v.missing.length}): ${v.missing.join(', ')}`);
  if (v.headError) out(`head: ${v.headError}`);
  const ok = !v.unreadable.length && !v.missing.length && !v.headError;
  if (ok) out('every row opens under this key, matches its clear columns, none is missing');
  return ok ? 0 : 3;
}

/** The same file named twice (or by two paths) is read once. @param {string[]} files */
function distinct(files) {
  const seen = new Set();
  return files.filter((f) => !seen.has(resolve(f)) && seen.add(resolve(f)));
}

/**
 * Several stores' events as one list by time. Each store's ids are its own (they repeat across
 * files), so `at` orders them; ties keep the order the files were named in, then each file's id
 * order (Array.prototype.sort is stable). Clocks of different hosts differ: events less than their
 * skew apart may print in the wrong order across files (never within one).
 * @template {{ at: number }} T @param {T[][]} lists @returns {T[]}
 */
export function mergeByTime(lists) {
  return lists.flat().sort((a, b) => a.at - b.at);
}

/** @param {string[]} argv */
function parse(argv) {
  const options = /** @type {const} */ ({
    room: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    json: { type: 'boolean' },
    db: { type: 'string', multiple: true },
    'data-dir': { type: 'string' },
    'key-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  // Room ids are base64url and one in 32 starts with '-': parseArgs takes `--room -abc` for a
  // missing value followed by an option. A value-taking flag always takes the next word.
  const takesValue = new Set(
    Object.entries(options)
      .filter(([, o]) => o.type === 'string')
      .map(([name]) => name),
  );
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    if (takesValue.has(flag) && i + 1 < argv.length) args.push(`--${flag}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    throw new UsageError(/** @type {Error} */ (e).message);
  }
}

/** @param {string | undefined} value @param {string} flag */
function time(value, flag) {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${flag} "${value}" is not a date: use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z`);
  return t;
}

/** @typedef {{ role?: string, name?: string, peer?: string }} PartyLike */
/** @typedef {{ via?: string, sub?: string, iss?: string }} IdentityLike */
/**
 * The fields of the events' data the formatter reads, per kind (STORE.md lists them). All optional:
 * the store gives back what a server recorded, and an older server may have recorded less.
 * @typedef {PartyLike & {
 *   from?: PartyLike, by?: PartyLike, to?: PartyLike, viewer?: PartyLike,
 *   agent?: PartyLike & IdentityLike, identity?: IdentityLike,
 *   text?: string, customerName?: string, address?: string | null, session?: string | number | null,
 *   since?: number, sharer?: string | PartyLike, mask?: Record<string, unknown> | null,
 *   state?: string, reason?: string | null,
 * }} EventData
 */

/**
 * One event as a line of text.
 * @param {import('./store/audit-store.mjs').StoredEvent} ev
 * @param {string} [source]  the store file it comes from, when several are read (its ids are that file's)
 */
export function format(ev, source = '') {
  const head = `${new Date(ev.at).toISOString()}  ${source}#${ev.id}`;
  if (ev.error) return `${head}  ${ev.kind}  TAMPERED: ${ev.error}`;
  const d = /** @type {EventData} */ (ev.data ?? {});
  const who = (/** @type {PartyLike | undefined} */ p) => (p ? `${p.role} "${p.name}"` : 'someone');
  const from = (/** @type {unknown} */ a) => (a ? ` from ${a}` : '');
  const room = `room ${ev.room}`;
  switch (ev.kind) {
    case TEXT_KIND:
      return `${head}  ${who(d.from)}: ${d.text}`;
    case 'room.created':
      return `${head}  ${room}  created for "${d.customerName}"${from(d.address)}`;
    case 'participant.joined':
      return `${head}  ${room}  ${who(d)} joined${from(d.address)} (peer ${d.peer})${d.identity ? `, ${identity(d.identity)}` : ''}`;
    case 'agent.token-issued':
      return `${head}  ${room}  chat token issued to agent "${d.agent?.name}", ${identity(d.agent)}${from(d.address)}`;
    case 'cobrowse.invitation-sent':
      return `${head}  ${room}  ${who(d.by)} sent the invitation of session ${d.session} to ${who(d.to)} (peer ${d.to?.peer})`;
    case 'cobrowse.invitation-requested':
      return `${head}  ${room}  ${who(d.by)} asked to join session ${d.session}`;
    case 'participant.left':
      return `${head}  ${room}  ${who(d)} left (peer ${d.peer}${d.address ? `, ${d.address}` : ''}${typeof d.since === 'number' ? `, after ${Math.round((ev.at - d.since) / 1000)} s` : ''})`;
    case 'cobrowse.invited':
      return `${head}  ${room}  ${who(d.by)} ${d.by?.role === 'agent' ? 'asked to see the page' : 'offered to show the page'}`;
    case 'cobrowse.accepted':
      return `${head}  ${room}  ${who(d.by)} accepted: session ${d.session}, sharer peer ${d.sharer}; masking: ${maskText(d.mask)}`;
    case 'cobrowse.declined':
      return `${head}  ${room}  ${who(d.by)} declined`;
    case 'cobrowse.viewing':
      return `${head}  ${room}  ${who(d.viewer)} started viewing ${d.session ? `session ${d.session}` : 'no active session'} (sharer peer ${typeof d.sharer === 'object' ? d.sharer.peer : undefined})${from(d.address)}`;
    case 'cobrowse.ended':
      return `${head}  ${room}  ${who(d.by)} ${d.state === 'active' ? `ended session ${d.session}` : 'withdrew the invitation'}${d.reason ? `: ${d.reason}` : ''}`;
    default:
      return `${head}  ${room}  ${ev.kind} ${JSON.stringify(d)}`;
  }
}

/**
 * Chat text and names come from users: control characters (terminal escape sequences, newlines that
 * would forge a line of the log) are shown as \u escapes, never sent to the terminal.
 */
export function printable(/** @type {string} */ line) {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A verified agent identity: `sub … of iss …` (or the development key). */
function identity(/** @type {IdentityLike | undefined} */ id) {
  if (!id) return 'no verified identity';
  return id.via === 'agent-key' ? 'via the shared development key' : `verified: sub ${id.sub} of ${id.iss ?? 'the identity provider'}`;
}

/** @param {Record<string, unknown> | null | undefined} mask */
function maskText(mask) {
  if (!mask) return 'not described by the customer';
  const parts = Object.entries(mask).map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`);
  return parts.length ? parts.join('; ') : 'defaults';
}

// run as a program: `node admin.mjs`, or the package's `cobrowse-rtc-admin`, a symlink to this file
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
