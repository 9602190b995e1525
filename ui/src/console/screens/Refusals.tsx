import { useCallback, useState } from "react";
import { Card, Space, Table, Typography } from "antd";
import type { RefusedRow } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { usePaged } from "../paging";
import { PostSelect, usePosts, when } from "./common";

/** The refused row in words: 户“青山村12号”, or the table's name and the row's id. */
function what(r: RefusedRow): string {
  return r.subject ? `${r.kind}“${r.subject}”` : `${r.kind} ${r.row_id}`;
}

/**
 * 未采用的变更: rows of a post's bundles HQ did not take (outside the post's villages, or
 * stamped too far past HQ's clock), with why, post by post. The post keeps them and is told
 * at its next sync; here the county sees which post needs a word. Every opening is audited
 * by the core (`hq.refusals`), and a station leader gets only their posts' rows.
 */
export function RefusalsScreen() {
  const posts = usePosts();
  const [post, setPost] = useState<string | null>(null);
  const load = useCallback((page: number, page_size: number) => hq.refusals({ post, page, page_size }), [post]);
  const list = usePaged<RefusedRow>(load);
  return (
    <Card
      size="small"
      title="未采用的变更"
      extra={
        <Space>
          <PostSelect posts={posts} value={post} onChange={setPost} />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        警务室同步包中县局没有采用的记录：超出县局登记给该警务室的辖区，或时间比县局时钟超前太多。其余变更照常采用；这些记录留在警务室，并在其下次同步时告知。
      </Typography.Paragraph>
      <ErrorLine error={list.error} />
      <Table<RefusedRow>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        data-testid="refusals"
        locale={{ emptyText: "各警务室的同步包都已全部采用" }}
        columns={[
          { title: "时间", dataIndex: "refused_at", width: 150, render: when },
          { title: "警务室", dataIndex: "post_name", width: 160 },
          { title: "同步包", dataIndex: "counter", width: 90, render: (c: number) => `第 ${c} 号` },
          { title: "记录", key: "what", render: (_, r) => what(r) },
          { title: "变更数", dataIndex: "changes", width: 80 },
          { title: "原因", dataIndex: "reason" },
        ]}
      />
    </Card>
  );
}
