/**
 * Sets `key` on `map` as an own, enumerable data property. Plain assignment of a key a manifest
 * may hold, `__proto__`, changes the map's prototype instead and the key is silently lost; YAML
 * parsers keep it as an own property (yaml's toJS), so every copy of manifest data must too.
 */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}
