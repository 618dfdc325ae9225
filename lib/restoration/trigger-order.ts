/**
 * Where a re-created trigger goes among the triggers of its table, timing and event, so that
 * they fire in the planned order (ACTION_ORDER). Pure: no database.
 *
 * A trigger created without FOLLOWS/PRECEDES goes last. Created in plan order, that is right
 * unless some of its group were never dropped: then FOLLOWS the planned predecessor present
 * (or PRECEDES the planned successor present) puts it in its place.
 */

export interface OrderedTrigger {
  readonly name: string;
  readonly timing: 'BEFORE' | 'AFTER';
  readonly event: 'INSERT' | 'UPDATE' | 'DELETE';
  /** ACTION_ORDER in the plan (1-based). */
  readonly order: number;
}

export type Placement = { readonly follows: string } | { readonly precedes: string } | 'last';

/** Timing/event group of a trigger, as a map key. */
export function groupOf(t: Pick<OrderedTrigger, 'timing' | 'event'>): string {
  return `${t.timing} ${t.event}`;
}

/** The order to create triggers in: by timing, event, then planned order. */
export function creationOrder<T extends OrderedTrigger>(triggers: readonly T[]): T[] {
  return [...triggers].sort((a, b) => a.timing.localeCompare(b.timing) || a.event.localeCompare(b.event) || a.order - b.order);
}

/**
 * Where `t` must go. `planned` are the planned triggers of its group (any order), `live` the
 * names of its group on the server now, in firing order.
 */
export function placement(t: OrderedTrigger, planned: readonly OrderedTrigger[], live: readonly string[]): Placement {
  const present = [...planned].filter((p) => live.includes(p.name)).sort((a, b) => a.order - b.order);
  const before = present.filter((p) => p.order < t.order);
  const after = present.filter((p) => p.order > t.order);
  const lastBefore = before.length ? before[before.length - 1].name : undefined;
  if (!after.length && (lastBefore === undefined || live[live.length - 1] === lastBefore)) return 'last';
  return lastBefore !== undefined ? { follows: lastBefore } : { precedes: after[0].name };
}

/** The group's firing order once `name` has been created at `where`. */
export function placed(live: readonly string[], name: string, where: Placement): string[] {
  const list = [...live];
  if (where === 'last') list.push(name);
  else if ('follows' in where) list.splice(list.indexOf(where.follows) + 1, 0, name);
  else list.splice(list.indexOf(where.precedes), 0, name);
  return list;
}
