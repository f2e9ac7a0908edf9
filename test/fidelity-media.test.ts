// <canvas> (2D and WebGL) and media (<video>) state, end to end: sharer → frames → mirror.
import { afterEach, assert, describe, it } from './helpers/assert.js';
import { needsWebGL } from './helpers/engine.js';
import { cleanup, createSharer, mirrorOf, startSession, waitFor } from './helpers/harness.js';

afterEach(cleanup);

/** RGBA of one pixel of a canvas (the mirror draws each picture into its bitmap too). */
function pixel(canvas: HTMLCanvasElement, x: number, y: number): number[] {
  return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data);
}
const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 8);

/** A second of silence as a WAV blob URL: a real, playable media resource without the network. */
function silentWav(doc: Document): string {
  const rate = 8000;
  const samples = rate;
  const buf = new ArrayBuffer(44 + samples);
  const v = new DataView(buf);
  const str = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, 36 + samples, true);
  str(8, 'WAVE');
  str(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate, true);
  v.setUint16(32, 1, true);
  v.setUint16(34, 8, true);
  str(36, 'data');
  v.setUint32(40, samples, true);
  for (let i = 0; i < samples; i++) v.setUint8(44 + i, 128);
  const win = doc.defaultView!;
  return win.URL.createObjectURL(new win.Blob([buf], { type: 'audio/wav' }));
}

describe('fidelity: canvas and media', () => {
  it('a 2D canvas drawn after the start appears in the mirror, and its later changes too', async () => {
    const sharer = await createSharer({ html: '<!DOCTYPE html><body><canvas id="c" width="40" height="20"></canvas></body>' });
    const s = await startSession(sharer);
    const c = sharer.doc.getElementById('c') as HTMLCanvasElement;
    const g = c.getContext('2d')!;
    g.fillStyle = 'rgb(255, 0, 0)';
    g.fillRect(0, 0, 40, 20);
    const m = mirrorOf(s, c) as HTMLCanvasElement;
    await waitFor(() => near(pixel(m, 5, 5), [255, 0, 0, 255]), 5000, 'red in the mirror canvas');
    g.fillStyle = 'rgb(0, 0, 255)';
    g.fillRect(20, 0, 20, 20);
    await waitFor(() => near(pixel(m, 30, 5), [0, 0, 255, 255]), 5000, 'blue half in the mirror canvas');
    assert(near(pixel(m, 5, 5), [255, 0, 0, 255]), 'red half kept');
    assert(m.getBoundingClientRect().width === c.getBoundingClientRect().width, 'same box width');
  });

  it('a WebGL canvas appears in the mirror', async function () {
    const sharer = await createSharer({ html: '<!DOCTYPE html><body><canvas id="c" width="16" height="16"></canvas></body>' });
    const s = await startSession(sharer);
    const c = sharer.doc.getElementById('c') as HTMLCanvasElement;
    const gl = c.getContext('webgl');
    await needsWebGL(this, gl);
    assert(gl, 'WebGL available (software)');
    gl.clearColor(0, 1, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const m = mirrorOf(s, c) as HTMLCanvasElement;
    await waitFor(() => near(pixel(m, 8, 8), [0, 255, 0, 255]), 5000, 'green in the mirror canvas');
  });

  it('<video> position and play state follow the sharer (a playable WAV resource)', async () => {
    const sharer = await createSharer({ html: '<!DOCTYPE html><body></body>' });
    const audio = sharer.doc.createElement('video'); // muted <video> may autoplay; muted <audio> may not
    audio.src = silentWav(sharer.doc);
    audio.muted = true; // muted media may play without a user gesture
    sharer.doc.body.append(audio);
    await new Promise((r) => audio.addEventListener('loadedmetadata', r, { once: true }));
    const s = await startSession(sharer);
    audio.currentTime = 0.5;
    await new Promise((r) => audio.addEventListener('seeked', r, { once: true }));
    const m = mirrorOf(s, audio) as HTMLVideoElement;
    await waitFor(() => Math.abs(m.currentTime - 0.5) < 0.05, 5000, `mirror at 0.5 s (is ${m.currentTime})`);
    assert(m.paused, 'paused like the sharer');
    await audio.play();
    await waitFor(() => !m.paused, 5000, 'mirror playing');
    audio.pause();
    await waitFor(() => m.paused, 5000, 'mirror paused again');
  });
});
