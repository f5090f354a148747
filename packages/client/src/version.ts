/**
 * The library as events name it in `context.library`; a unit test keeps the version equal to
 * package.json's.
 *
 * @module
 */
export const LIBRARY = { name: "@track-event/client", version: "0.1.0" };
