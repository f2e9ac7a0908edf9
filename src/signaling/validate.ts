import type { Signal } from './adapter.js';

/** A received value as a `Signal`, or null if it is not one (signals come from the network). */
export function asSignal(value: unknown): Signal | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if ((v.type === 'offer' || v.type === 'answer') && typeof v.sdp === 'string') return { type: v.type, sdp: v.sdp };
  if (v.type === 'candidate' && v.candidate && typeof v.candidate === 'object') {
    const c = v.candidate as Record<string, unknown>;
    if (c.candidate !== undefined && typeof c.candidate !== 'string') return null;
    return { type: 'candidate', candidate: c as RTCIceCandidateInit };
  }
  return null;
}
