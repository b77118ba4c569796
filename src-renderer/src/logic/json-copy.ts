/** A deep copy through JSON: drops reactive proxies (which structuredClone rejects) and undefined. */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
