import { useCallback, useState } from "react";
import { App, Button, Card, Popconfirm, Space, Switch, Table, Tag } from "antd";
import { toBackendError } from "../../backend";
import type { Assignment } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { usePaged } from "../paging";
import { PostSelect, RecordLink, usePosts, when } from "./common";

/** An assignment's state in words. */
export function AssignmentState({ a }: { a: Assignment }) {
  if (a.withdrawn_at) return <Tag>已撤回</Tag>;
  return a.delivered ? <Tag color="green">已送达</Tag> : <Tag color="gold">待下次同步送达</Tag>;
}

/**
 * 指派: what HQ has handed to posts (assigning is done from a record's page), whether each
 * has reached its post, and withdrawing one (the post keeps what it has).
 */
export function AssignmentsScreen() {
  const { message } = App.useApp();
  const posts = usePosts();
  const [post, setPost] = useState<string | null>(null);
  const [withdrawn, setWithdrawn] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    (page: number, page_size: number) => hq.assignments({ post_id: post, withdrawn, page, page_size }),
    [post, withdrawn],
  );
  const list = usePaged<Assignment>(load);
  const withdraw = async (a: Assignment) => {
    try {
      await hq.unassign(a.id);
      message.success(`已撤回给“${a.post_name}”的指派，下次同步时告知警务室`);
      setError(null);
      list.reload();
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  return (
    <Card
      size="small"
      title="指派"
      extra={
        <Space>
          <PostSelect posts={posts} value={post} onChange={setPost} />
          <Switch checked={withdrawn} onChange={setWithdrawn} /> 含已撤回
        </Space>
      }
    >
      <ErrorLine error={error ?? list.error} />
      <Table<Assignment>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        data-testid="assignments"
        columns={[
          { title: "指派时间", dataIndex: "assigned_at", width: 150, render: when },
          { title: "警务室", dataIndex: "post_name" },
          {
            title: "事项",
            render: (_, a) => (
              <RecordLink table={a.tbl} id={a.row_id}>
                {a.kind}“{a.subject ?? a.row_id}”
              </RecordLink>
            ),
          },
          { title: "说明", dataIndex: "note", render: (v) => v ?? "" },
          { title: "状态", render: (_, a) => <AssignmentState a={a} /> },
          {
            title: "",
            width: 80,
            render: (_, a) =>
              !a.withdrawn_at && (
                <Popconfirm title="撤回这项指派？" description="警务室保留已收到的记录，此后不再收到它们的变更。" onConfirm={() => void withdraw(a)}>
                  <Button size="small" danger data-testid="unassign">
                    撤回
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}
