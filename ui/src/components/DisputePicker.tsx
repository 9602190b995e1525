import { useEffect, useState } from "react";
import { Select, Spin } from "antd";
import { backend } from "../backend";
import { useTypedSearch } from "./useTypedSearch";

type Props = {
  value?: string | null;
  onChange?: (v: string | undefined) => void;
  "data-testid"?: string;
  id?: string;
};

/** Picks a dispute by its title, a party's name or its agreement number (the newest first). */
export function DisputePicker({ value, onChange, ...rest }: Props) {
  const [text, setText] = useState("");
  // The dispute already linked, so its title shows even when it is not among the newest.
  const [current, setCurrent] = useState<{ id: string; title: string } | null>(null);
  useEffect(() => {
    if (!value || current?.id === value) return;
    backend.dispute.get(value).then((d) => setCurrent({ id: d.id, title: `${d.received_on} ${d.title}` }), () => {});
  }, [value, current]);
  const { found: rows, loading } = useTypedSearch(text, (q) => backend.dispute.list({ text: q || null, page: 1, page_size: 20 }).then((p) => p.items), { blank: true });
  const opts = rows.map((d) => ({ value: d.id, label: `${d.received_on} ${d.title}（${d.party_names}）` }));
  if (current && !opts.some((o) => o.value === current.id)) opts.unshift({ value: current.id, label: current.title });
  return (
    <Select
      {...rest}
      showSearch
      allowClear
      filterOption={false}
      value={value ?? undefined}
      placeholder="输入纠纷名称或当事人姓名查找"
      onSearch={setText}
      onChange={(v) => onChange?.(v)}
      notFoundContent={loading ? <Spin size="small" /> : "没有找到"}
      options={opts}
    />
  );
}
