import { Table } from "antd";
import type { StationFigures } from "../../backend";

/** Each 驿站's month: its assistants, the requests collected, errands done and 一次不用跑. */
export function StationFiguresTable({ figures }: { figures: StationFigures[] }) {
  return (
    <Table<StationFigures>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={figures}
      data-testid="station-figures"
      columns={[
        { title: "驿站", dataIndex: "name" },
        { title: "村（社区）", dataIndex: "village_name", width: 120 },
        { title: "警务助理", dataIndex: "assistants", width: 90 },
        { title: "收集诉求", dataIndex: "requests", width: 90 },
        { title: "办结代办", dataIndex: "done", width: 90 },
        { title: "一次不用跑", dataIndex: "no_trip", width: 100 },
      ]}
    />
  );
}
