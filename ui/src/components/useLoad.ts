import { useCallback, useEffect, useState } from "react";
import { toBackendError } from "../backend";

/** Loads something when `load` changes (wrap it in useCallback), with its error and a reload. */
export function useLoad<T>(load: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    setLoading(true);
    load()
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message))
      .finally(() => setLoading(false));
  }, [load]);
  useEffect(reload, [reload]);
  return { data, loading, error, reload };
}
