// Small pieces the console's screens share: the post and station pickers, the link that
// opens a record, dates shown in Beijing time, and the state of an action the user starts.
import { useEffect, useState } from "react";
import { Select, Typography } from "antd";
import { useNavigate } from "react-router-dom";
import { toBackendError } from "../../backend";
import type { PostInfo, Station } from "../../backend/types";
import { beijingTime } from "../../components/time";
import { hq } from "../api";

/**
 * An action the user starts (a decision, an assignment, a code issued): `busy` while it runs;
 * `error` the core's words when it fails, cleared once one succeeds.
 */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
      setError(null);
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** The stations (派出所), loaded once per screen. */
export function useStations(): Station[] {
  const [stations, setStations] = useState<Station[]>([]);
  useEffect(() => {
    hq.stations().then(setStations, () => {});
  }, []);
  return stations;
}

/** The posts the caller may see (the first 500, plenty for a picker), loaded once per screen. */
export function usePosts(): PostInfo[] {
  const [posts, setPosts] = useState<PostInfo[]>([]);
  useEffect(() => {
    hq.posts({ page: 1, page_size: 500 }).then((p) => setPosts(p.items), () => {});
  }, []);
  return posts;
}

export function StationSelect({ value, onChange, stations }: { value?: string | null; onChange: (v: string | null) => void; stations: Station[] }) {
  return (
    <Select
      allowClear
      placeholder="全部派出所"
      style={{ width: 160 }}
      value={value ?? undefined}
      onChange={(v) => onChange(v ?? null)}
      options={stations.map((s) => ({ value: s.id, label: s.name }))}
      data-testid="station-filter"
    />
  );
}

export function PostSelect({ value, onChange, posts, placeholder = "全部警务室", width = 180 }: {
  value?: string | null;
  onChange: (v: string | null) => void;
  posts: PostInfo[];
  placeholder?: string;
  width?: number;
}) {
  return (
    <Select
      allowClear
      showSearch
      optionFilterProp="label"
      placeholder={placeholder}
      style={{ width }}
      value={value ?? undefined}
      onChange={(v) => onChange(v ?? null)}
      options={posts.map((p) => ({ value: p.id, label: p.name }))}
      data-testid="post-filter"
    />
  );
}

/** Opens a record read-only (`hq.record`). */
export function RecordLink({ table, id, children }: { table: string; id: string; children: React.ReactNode }) {
  const navigate = useNavigate();
  return (
    <Typography.Link onClick={() => navigate(`/record/${table}/${id}`)} data-testid="record-link">
      {children}
    </Typography.Link>
  );
}

/** An instant in Beijing time, or a dash. */
export const when = (instant: string | null | undefined) => (instant ? beijingTime(instant) : "—");
