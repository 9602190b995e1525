import { useEffect, useRef, useState } from "react";

/**
 * What `find` answers for the typed `text`, asked once typing has paused for 200 ms; an
 * answer overtaken by newer typing is dropped, a failure lists nothing. Blank text asks
 * nothing unless `blank` (a picker that offers the newest before anything is typed).
 */
export function useTypedSearch<T>(text: string, find: (q: string) => Promise<T[]>, { blank = false } = {}) {
  const [found, setFound] = useState<T[]>([]);
  const [loading, setLoading] = useState(false);
  // The latest `find`, so a caller may pass a new function each render.
  const latest = useRef(find);
  latest.current = find;
  useEffect(() => {
    const q = text.trim();
    if (!q && !blank) return;
    let stale = false;
    const t = window.setTimeout(() => {
      setLoading(true);
      latest
        .current(q)
        .then((r) => !stale && setFound(r))
        .catch(() => !stale && setFound([]))
        .finally(() => !stale && setLoading(false));
    }, 200);
    return () => {
      stale = true;
      window.clearTimeout(t);
    };
  }, [text, blank]);
  return { found, loading };
}
