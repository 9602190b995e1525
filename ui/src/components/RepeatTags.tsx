import { Space, Tag } from "antd";
import type { RepeatCount } from "../backend";

/** An incident's repeat counts from the core: 一地多报 (same place) and 一人多报 (same person). */
export function RepeatTags({ repeats }: { repeats: RepeatCount }) {
  if (repeats.total === 0) return null;
  return (
    <Space size={2} data-testid="repeat-tags">
      {repeats.same_place > 0 && <Tag color="volcano">一地多报 {repeats.same_place}</Tag>}
      {repeats.same_person > 0 && <Tag color="magenta">一人多报 {repeats.same_person}</Tag>}
    </Space>
  );
}
