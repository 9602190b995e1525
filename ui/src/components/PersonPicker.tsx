import { useState } from "react";
import { Select, Spin } from "antd";
import { backend } from "../backend";
import type { SearchHit } from "../backend";
import { useTypedSearch } from "./useTypedSearch";

type Props = {
  value?: string | string[] | null;
  onChange?: (v: string | string[] | undefined) => void;
  multiple?: boolean;
  placeholder?: string;
  onPicked?: (hit: SearchHit | undefined) => void;
  "data-testid"?: string;
};

/** Picks registered residents by name (two characters are enough), ID number or phone. */
export function PersonPicker({ value, onChange, multiple, placeholder, onPicked, ...rest }: Props) {
  const [text, setText] = useState("");
  const { found: hits, loading } = useTypedSearch(text, (q) => backend.search({ text: q, page: 1, page_size: 10 }).then((r) => r.hits));

  return (
    <Select
      {...rest}
      mode={multiple ? "multiple" : undefined}
      showSearch
      allowClear
      filterOption={false}
      value={value ?? undefined}
      placeholder={placeholder ?? "输入姓名、身份证号或电话查找登记人员"}
      onSearch={setText}
      notFoundContent={loading ? <Spin size="small" /> : text ? "没有找到" : null}
      onChange={(v) => {
        onChange?.(v);
        if (!multiple) onPicked?.(hits.find((h) => h.person_id === v));
      }}
      options={hits.map((h) => ({
        value: h.person_id,
        label: `${h.name}　${h.id_number ?? h.phone ?? ""}　${h.village_name ?? ""}`,
      }))}
    />
  );
}
