/** Empty strings become null, so optional fields the user cleared are sent as "none". */
export function blankToNull<T extends object>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v === "" || v === undefined ? null : v;
  return out as T;
}
