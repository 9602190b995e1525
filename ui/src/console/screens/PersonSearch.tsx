import { useCallback, useState } from "react";
import { Card, Input, Table, Typography } from "antd";
import { SexLabel } from "../../backend/types";
import type { SearchHit } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { usePaged } from "../paging";
import { RecordLink } from "./common";

/**
 * 人员查询: county-wide search by name (two characters are enough), ID number, phone or
 * address, over the posts the caller may see. Every search is audited with the county login.
 */
export function PersonSearchScreen() {
  const [text, setText] = useState("");
  const load = useCallback(
    async (page: number, page_size: number) => {
      if (!text.trim()) return { total: 0, page, page_size, items: [] };
      const r = await hq.search({ text, page, page_size });
      return { total: r.total, page: r.page, page_size: r.page_size, items: r.hits };
    },
    [text],
  );
  const list = usePaged<SearchHit>(load);
  return (
    <Card size="small" title="人员查询">
      <Input.Search
        placeholder="姓名（两个字即可）、公民身份号码、电话或住址"
        enterButton="查找"
        allowClear
        onSearch={setText}
        style={{ maxWidth: 520, marginBottom: 12 }}
        data-testid="search-text"
      />
      <Typography.Paragraph type="secondary">每次查询都记入县局审计日志。</Typography.Paragraph>
      <ErrorLine error={list.error} />
      <Table<SearchHit>
        rowKey="person_id"
        size="small"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        data-testid="search-hits"
        locale={{ emptyText: text ? "没有找到" : "输入后按回车查找" }}
        columns={[
          { title: "姓名", dataIndex: "name", render: (n: string, h) => <RecordLink table="person" id={h.person_id}>{n}</RecordLink> },
          { title: "性别", dataIndex: "sex", width: 60, render: (s) => (s ? SexLabel[s as keyof typeof SexLabel] : "—") },
          { title: "出生日期", dataIndex: "birth_date", width: 110, render: (v) => v ?? "—" },
          { title: "公民身份号码", dataIndex: "id_number", render: (v) => v ?? "—" },
          { title: "电话", dataIndex: "phone", render: (v) => v ?? "—" },
          { title: "住址", dataIndex: "address", render: (v) => v ?? "—" },
          { title: "村（社区）", dataIndex: "village_name", render: (v) => v ?? "—" },
        ]}
      />
    </Card>
  );
}
