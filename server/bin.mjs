#!/usr/bin/env node
// @ts-check
// `cobrowse-rtc-server` (or `node server/bin.mjs`): the reference signaling server from the command
// line. Prints its address; SIGINT and SIGTERM close every socket and the store, then exit 0.
import { parseArgs } from 'node:util';
import { agentJwtOptionsFromEnv, auditOptionsFromEnv, devKeyWarning, startSignalingServer, turnOptionsFromEnv } from './server.mjs';

const USAGE = `usage: cobrowse-rtc-server [--port N] [--host H]

  --port N   the port to listen on (PORT; default 9000; 0 = any free port)
  --host H   the address to listen on (HOST; default 127.0.0.1)

Environment:
  SIGNALING_SECRET                         HMAC secret of the tokens (N processes share it)
  AGENT_JWT_SECRET | AGENT_JWKS_URL        agents' JWTs (+ AGENT_JWT_ISSUER, AGENT_JWT_AUDIENCE,
                                           AGENT_JWT_ALGORITHMS); AGENT_KEY: development only
  TURN_URLS (comma-separated), TURN_SECRET, TURN_TTL (s, 600)
  SIGNALING_DB, SIGNALING_DATA_KEY | SIGNALING_KEY_FILE, ADMIN_KEY   the encrypted audit store
  REDIS_URL                                rooms in Redis: N processes serve the same rooms
Protocol: PROTOCOL.md; the store: STORE.md.`;

const args = parse(process.argv.slice(2));
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const env = process.env;
const port = Number(args.port ?? (env.PORT || 9000));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`signaling server: bad port ${args.port ?? env.PORT}\n\n${USAGE}`);
  process.exit(2);
}
const agentJwt = agentJwtOptionsFromEnv(env);
const server = await startSignalingServer({
  port,
  host: args.host || env.HOST || '127.0.0.1',
  agentJwt,
  // the shared key is for development: with an identity provider configured it is not accepted
  agentKey: agentJwt ? undefined : env.AGENT_KEY || undefined,
  secret: env.SIGNALING_SECRET || undefined,
  turn: turnOptionsFromEnv(env),
  audit: auditOptionsFromEnv(env),
  adminKey: env.ADMIN_KEY || undefined,
  redis: env.REDIS_URL || undefined,
}).catch((/** @type {Error} */ err) => {
  console.error(`signaling server: ${err.message}`);
  process.exit(1);
});
console.log(`signaling server on ${server.url}  (chat: /chat, API: /api, PeerJS: /peerjs)`);
printSetup();
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.once(signal, () => server.close().then(() => process.exit(0)));

/** The command line; an unknown option ends the process with the usage (a typo is not ignored). @param {string[]} argv */
function parse(argv) {
  try {
    return parseArgs({
      args: argv,
      options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    console.error(`signaling server: ${/** @type {Error} */ (err).message}\n\n${USAGE}`);
    return process.exit(2);
  }
}

/** What this process was configured with, and what it was not: one line each. */
function printSetup() {
  if (agentJwt) {
    const how = [agentJwt.secret && 'HS256 secret', agentJwt.jwksUrl && `JWKS ${agentJwt.jwksUrl}`].filter(Boolean).join(', ');
    console.log(
      `agents: JWTs (${how}${agentJwt.issuer ? `, iss ${agentJwt.issuer}` : ''}${agentJwt.audience ? `, aud ${agentJwt.audience}` : ''})`,
    );
    if (env.AGENT_KEY) console.log('AGENT_KEY is set but IGNORED: agents authenticate with JWTs of your identity provider');
  } else {
    console.log(devKeyWarning(server.agentKey, !env.AGENT_KEY));
  }
  if (!env.SIGNALING_SECRET) console.log('SIGNALING_SECRET not set: tokens are valid for this process only');
  console.log(
    env.TURN_URLS
      ? `ICE servers for the participants of accepted shares: ${env.TURN_URLS}`
      : 'TURN_URLS not set: no STUN/TURN servers (peers connect directly or not at all)',
  );
  console.log(
    env.REDIS_URL
      ? `rooms in Redis (${new URL(env.REDIS_URL).host}): any number of processes with the same SIGNALING_SECRET serve them`
      : 'REDIS_URL not set: rooms live in this process only',
  );
  console.log(
    server.audit
      ? `transcripts and audit log: ${server.audit.file} (encrypted)${env.ADMIN_KEY ? ', GET /api/audit with ADMIN_KEY' : ''}`
      : 'SIGNALING_DB not set: no transcripts or audit log are kept',
  );
}
