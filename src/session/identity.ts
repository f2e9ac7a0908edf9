/**
 * Who a viewer is, as THIS side's chat knows it: its name and its role, from the site's own
 * functions (`viewerName`, `viewerRole`), never from the viewer itself. A throwing function is
 * reported, not fatal; an unknown role fails safe (an observer, who never controls the page).
 */
import type { SharingOptions, ViewerRole } from './types.js';

export function viewerName(options: SharingOptions, address: string, report: (error: Error) => void): string | null {
  try {
    const name = options.viewerName?.(address);
    return typeof name === 'string' && name ? name : null;
  } catch (error) {
    report(error instanceof Error ? error : new Error(String(error)));
    return null;
  }
}

/** `'agent'` without `viewerRole`; with it, only its `'agent'` is an agent. */
export function viewerRole(options: SharingOptions, address: string, report: (error: Error) => void): ViewerRole {
  try {
    const role = options.viewerRole?.(address);
    return role === 'observer' || (options.viewerRole && role !== 'agent') ? 'observer' : 'agent';
  } catch (error) {
    report(error instanceof Error ? error : new Error(String(error)));
    return 'observer';
  }
}
