/**
 * The contract's limits, in one place so the schema, the handler and the tests agree.
 *
 * @module
 */

/** The whole body, after gzip decompression (512 KiB). */
export const MAX_BODY_BYTES = 512 * 1024;
/** One event, as UTF-8 bytes of its JSON text (32 KiB). */
export const MAX_EVENT_BYTES = 32 * 1024;
/** `properties` as Postgres renders the stored jsonb (`octet_length(properties::text)`). */
export const MAX_PROPERTIES_TEXT_BYTES = 32 * 1024;
/** Events in one batch. */
export const MAX_EVENTS = 500;
/** `event`, in Unicode code points (Postgres `char_length`). */
export const MAX_EVENT_NAME_CHARS = 128;
/** `stage`, in Unicode code points. */
export const MAX_STAGE_CHARS = 64;
/**
 * Nesting of `properties` (the object itself is level 1). Postgres parses jsonb recursively and
 * fails with "stack depth limit exceeded" long before 32 KiB of brackets, which would be a 500;
 * no analytics payload needs more.
 */
export const MAX_PROPERTIES_DEPTH = 64;
/**
 * `context` as Postgres renders the stored jsonb (8 KiB). Counted inside the 32 KiB event cap
 * too, so an event with full context still fits in one; the smaller cap keeps what an SDK adds
 * from crowding out the app's own properties.
 */
export const MAX_CONTEXT_TEXT_BYTES = 8 * 1024;
/** Nesting of `context`: library, page and screen are one level below it; more is a mistake. */
export const MAX_CONTEXT_DEPTH = 8;
