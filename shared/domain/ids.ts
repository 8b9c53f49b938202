const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` can be looked up in a uuid column; anything else cannot exist there. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
