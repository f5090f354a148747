/**
 * Whose event is it: each `track()` asks `getAccessToken` itself, so that the event belongs to
 * the user whose token was current at that call, never to the answer of an earlier call made
 * before a user switch. Until the answer comes the event is held in this context's memory only
 * (`Queue.hold`): no other tab and no later tracker can see it, so none can send it with the
 * wrong token, or drop it.
 *
 * The lookups still out are bounded. Those of waiting events are bounded by the queue cap (a
 * dropped event is forgotten); those whose event was dropped meanwhile ("abandoned") by `max`:
 * past that, a hung `getAccessToken` is asked nothing more, and costs no more memory.
 *
 * @module
 */

export interface OwnerLookups {
  /** Asks for the owner of a held event; false (nothing asked) when `max` are abandoned. */
  start(id: string): boolean;
  /** Whether the event's lookup is still out. */
  pending(id: string): boolean;
  /** Forgets an event dropped while its lookup is out: its answer then assigns nothing. */
  forget(id: string): void;
}

/**
 * Builds the lookups; `answered` gets each answer (`undefined` when the lookup failed) and
 * whether the event still waits for it.
 *
 * @example
 * ```ts
 * const owners = ownerLookups(() => getAccessToken({ forceRefresh: false }), 10_000, assign);
 * if (owners.start(id)) queue.hold(event);
 * ```
 */
export function ownerLookups(
  lookUp: () => Promise<string | null>,
  max: number,
  answered: (id: string, token: string | null | undefined, waiting: boolean) => void,
): OwnerLookups {
  const waiting = new Set<string>();
  let out = 0;
  return {
    start(id) {
      if (out - waiting.size >= max) return false;
      out++;
      waiting.add(id);
      const settle = (token: string | null | undefined) => {
        out--;
        answered(id, token, waiting.delete(id));
      };
      lookUp().then(settle, () => settle(undefined));
      return true;
    },
    pending: (id) => waiting.has(id),
    forget: (id) => void waiting.delete(id),
  };
}
