// An in-page chat room for signaling tests: every member sees every other member's messages, a
// task later (like a real chat). Members have the `TextChat` shape `createChatSignaling` takes.
import { createChatSignaling, type SignalingAdapter } from '../../src/index.js';

export interface Member {
  id: string;
  onmessage: ((from: string, text: string) => void) | null;
  post(text: string): void;
}

/** A new room; `join(name)` adds a member (ids are unique: `name-1`, `name-2`, ...). */
export function chatRoom(): (name: string) => Member {
  const members = new Set<Member>();
  let n = 0;
  return (name: string) => {
    const member: Member = {
      id: `${name}-${++n}`,
      onmessage: null,
      post(text: string) {
        for (const m of members) if (m !== member) setTimeout(() => m.onmessage?.(member.id, text), 0);
      },
    };
    members.add(member);
    return member;
  };
}

/** A room whose members come as signaling adapters. */
export function signalingRoom(): (name: string) => SignalingAdapter {
  const join = chatRoom();
  return (name) => createChatSignaling(join(name));
}
