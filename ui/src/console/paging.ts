// Paging for the console's lists: the core pages every county list (`page`, `page_size`
// in, `{items, total}` out); a table asks for the page it shows.
import { useCallback, useEffect, useRef, useState } from "react";
import { toBackendError } from "../backend";
import type { Paged } from "./api";

export const PAGE_SIZE = 20;

/** Loads page `page` of a list whenever the page or `load` (its filter) changes. */
export function usePaged<T>(load: (page: number, page_size: number) => Promise<Paged<T>>, pageSize = PAGE_SIZE) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Paged<T> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const loadRef = useRef(load);
  // A new filter starts again at its first page.
  useEffect(() => {
    if (loadRef.current !== load) {
      loadRef.current = load;
      setPage(1);
    }
  }, [load]);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setLoading(true);
    load(page, pageSize)
      .then((d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(null);
      })
      .catch((e) => mine === seq.current && setError(toBackendError(e).message))
      .finally(() => mine === seq.current && setLoading(false));
  }, [load, page, pageSize]);
  useEffect(reload, [reload]);
  const pagination = {
    current: page,
    pageSize,
    total: data?.total ?? 0,
    showSizeChanger: false,
    showTotal: (t: number) => `共 ${t} 条`,
    onChange: setPage,
  };
  return { data, items: data?.items ?? [], loading, error, reload, pagination };
}
