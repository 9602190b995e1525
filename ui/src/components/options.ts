/** A Select's options from one of the core's label tables (`code → 中文`, generated from Rust). */
export function options<K extends string>(labels: Record<K, string>): { value: K; label: string }[] {
  return (Object.entries(labels) as [K, string][]).map(([value, label]) => ({ value, label }));
}
