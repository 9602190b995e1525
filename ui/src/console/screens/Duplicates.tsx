import { useCallback, useState } from "react";
import { App, Button, Card, Descriptions, Space, Table, Tag } from "antd";
import type { DuplicatePair, DuplicateSide } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { usePaged } from "../paging";
import { PostSelect, RecordLink, useAction, usePosts } from "./common";

function Side({ s }: { s: DuplicateSide }) {
  return (
    <Descriptions size="small" column={1} data-testid="dup-side">
      <Descriptions.Item label="姓名">
        <RecordLink table="person" id={s.person.id}>
          {s.person.name}
        </RecordLink>
      </Descriptions.Item>
      <Descriptions.Item label="警务室">
        {s.post_name}
        {s.village_name ? ` · ${s.village_name}` : ""}
      </Descriptions.Item>
      <Descriptions.Item label="公民身份号码">{s.person.id_number ?? "（无）"}</Descriptions.Item>
      <Descriptions.Item label="出生日期">{s.person.birth_date ?? "—"}</Descriptions.Item>
      <Descriptions.Item label="住址">{s.person.address ?? "—"}</Descriptions.Item>
    </Descriptions>
  );
}

/**
 * 疑似重复人员: person records of two posts with the same ID number, or the same name and
 * birth date without one. 同一人 hands one post the other's record (an assignment, delivered
 * at its next sync; nothing is deleted); 不是同一人 means the pair is never suggested again.
 */
export function DuplicatesScreen() {
  const { message } = App.useApp();
  const posts = usePosts();
  const [post, setPost] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const load = useCallback((page: number, page_size: number) => hq.duplicates({ post_id: post, page, page_size }), [post]);
  const list = usePaged<DuplicatePair>(load);

  const decide = async (keep: DuplicateSide, other: DuplicateSide, same: boolean) => {
    await run(async () => {
      await hq.duplicateDecide({ person_id: keep.person.id, other_id: other.person.id, same, note: null });
      message.success(
        same
          ? `已确认为同一人：${other.post_name}的记录已指派给“${keep.post_name}”，下次同步时送达`
          : `已确认不是同一人，不再提示`,
      );
      list.reload();
    });
  };

  return (
    <Card size="small" title="疑似重复人员" extra={<PostSelect posts={posts} value={post} onChange={setPost} />}>
      <ErrorLine error={error ?? list.error} />
      <Table<DuplicatePair>
        rowKey={(p) => `${p.a.person.id}:${p.b.person.id}`}
        size="small"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        data-testid="duplicates"
        columns={[
          { title: "疑似原因", width: 150, render: (_, p) => <Tag color={p.reason === "id_number" ? "red" : "gold"}>{p.reason_label}</Tag> },
          { title: "记录一", render: (_, p) => <Side s={p.a} /> },
          { title: "记录二", render: (_, p) => <Side s={p.b} /> },
          {
            title: "处理",
            width: 230,
            render: (_, p) => (
              <Space direction="vertical">
                <Button size="small" type="primary" disabled={busy} onClick={() => void decide(p.a, p.b, true)} data-testid="dup-same-a">
                  同一人，由{p.a.post_name}管理
                </Button>
                <Button size="small" type="primary" disabled={busy} onClick={() => void decide(p.b, p.a, true)} data-testid="dup-same-b">
                  同一人，由{p.b.post_name}管理
                </Button>
                <Button size="small" disabled={busy} onClick={() => void decide(p.a, p.b, false)} data-testid="dup-different">
                  不是同一人
                </Button>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
