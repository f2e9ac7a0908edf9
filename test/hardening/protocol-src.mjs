// The protocol as the fuzzers use it: src/protocol bundled by esbuild. In build/, tsc inlines the
// protocol's const enums and leaves no objects behind (so the customer's bundle carries none); the
// fuzzers need OpCode and NodeKind as values, which esbuild's bundle keeps.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../../src/protocol/index.ts', import.meta.url));
const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'cb-protocol-'));
const file = join(dir, 'protocol.mjs');
writeFileSync(file, out.outputFiles[0].contents);
const protocol = await import(pathToFileURL(file).href);
rmSync(dir, { recursive: true, force: true });

export const { FrameDecoder, FrameEncoder, encodeFrame, ProtocolError, OpCode, NodeKind, MAX_DEPTH } = protocol;
