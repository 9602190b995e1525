import { useCallback, useState } from "react";
import { App, Button, Card, Descriptions, Empty, Form, Input, List, Space, Table, Tag, Typography } from "antd";
import { ArrowLeftOutlined, SendOutlined } from "@ant-design/icons";
import { useNavigate, useParams } from "react-router-dom";
import { RelationLabel, ResidenceLabel, SexLabel } from "../../backend/types";
import type { Dispute, Errand, Household, Incident, Party, Person, RecordView } from "../../backend/types";
import { DisputeStatusTag } from "../../components/DisputeStatusTag";
import { yuan } from "../../components/money";
import { useLoad } from "../../components/useLoad";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { PostSelect, RecordLink, useAction, usePosts } from "./common";

/** Tables a record can be handed to a post from (what `hq.assign` takes). */
const ASSIGNABLE = ["dispute", "household", "lead", "hazard"];

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === "" ? "—" : v);

/**
 * One record, read-only, as the post that holds it sees it (`hq.record`, audited with the
 * county login); from here a dispute or household is assigned to a post.
 */
export function RecordScreen() {
  const { table = "", id = "" } = useParams();
  const navigate = useNavigate();
  const view = useLoad(useCallback(() => hq.record(table, id), [table, id]), null as RecordView | null);
  const v = view.data;
  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }}>
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
        返回
      </Button>
      <ErrorLine error={view.error} />
      {v && (
        <Card
          size="small"
          title={
            <Space>
              {v.kind}
              {v.post_name && <Tag>{v.post_name}</Tag>}
            </Space>
          }
          data-testid="record"
        >
          <RecordBody view={v} />
        </Card>
      )}
      {v && ASSIGNABLE.includes(v.table) && <AssignCard view={v} />}
    </Space>
  );
}

function RecordBody({ view }: { view: RecordView }) {
  switch (view.table) {
    case "person":
      return <PersonView p={view.record as Person} />;
    case "household":
      return <HouseholdView h={view.record as Household} />;
    case "dispute":
      return <DisputeView d={view.record as Dispute} />;
    case "errand":
      return <ErrandView e={view.record as Errand} />;
    case "incident":
      return <IncidentView i={view.record as Incident} />;
    default:
      return <Empty description="这类记录没有可显示的内容" />;
  }
}

function PersonView({ p }: { p: Person }) {
  return (
    <Descriptions size="small" column={3} bordered>
      <Descriptions.Item label="姓名">{p.name}</Descriptions.Item>
      <Descriptions.Item label="性别">{p.sex ? SexLabel[p.sex] : "—"}</Descriptions.Item>
      <Descriptions.Item label="民族">{dash(p.ethnicity)}</Descriptions.Item>
      <Descriptions.Item label="出生日期">{dash(p.birth_date)}</Descriptions.Item>
      <Descriptions.Item label="公民身份号码">{dash(p.id_number)}</Descriptions.Item>
      <Descriptions.Item label="电话">{dash(p.phone)}</Descriptions.Item>
      <Descriptions.Item label="居住状态">{ResidenceLabel[p.residence]}</Descriptions.Item>
      <Descriptions.Item label="与户主关系">{p.relation ? RelationLabel[p.relation] : "—"}</Descriptions.Item>
      <Descriptions.Item label="村（社区）">{dash(p.village_name)}</Descriptions.Item>
      <Descriptions.Item label="住址" span={3}>
        {p.household_id ? <RecordLink table="household" id={p.household_id}>{dash(p.household_address ?? p.address)}</RecordLink> : dash(p.address)}
      </Descriptions.Item>
      <Descriptions.Item label="标签" span={3}>
        {p.tags.length ? p.tags.map((t) => <Tag key={t}>{t}</Tag>) : "—"}
      </Descriptions.Item>
      <Descriptions.Item label="备注" span={3}>
        {dash(p.notes)}
      </Descriptions.Item>
    </Descriptions>
  );
}

function HouseholdView({ h }: { h: Household }) {
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Descriptions size="small" column={3} bordered>
        <Descriptions.Item label="住址" span={2}>
          {dash(h.address)}
        </Descriptions.Item>
        <Descriptions.Item label="村（社区）">{dash(h.village_name)}</Descriptions.Item>
        <Descriptions.Item label="户主">{dash(h.head_name)}</Descriptions.Item>
        <Descriptions.Item label="电话">{dash(h.phone)}</Descriptions.Item>
        <Descriptions.Item label="门牌号">{dash(h.house_no)}</Descriptions.Item>
      </Descriptions>
      <List
        size="small"
        header="成员"
        dataSource={h.members}
        renderItem={(m) => (
          <List.Item>
            <RecordLink table="person" id={m.id}>
              {m.name}
            </RecordLink>
          </List.Item>
        )}
      />
    </Space>
  );
}

function DisputeView({ d }: { d: Dispute }) {
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Title level={5} style={{ margin: 0 }} data-testid="dispute-title">
        {d.title} <DisputeStatusTag status={d.status} label={d.status_label} />
      </Typography.Title>
      <Descriptions size="small" column={3} bordered>
        <Descriptions.Item label="受理日期">{d.received_on}</Descriptions.Item>
        <Descriptions.Item label="类型">{d.kind_label}</Descriptions.Item>
        <Descriptions.Item label="村（社区）">{dash(d.village_name)}</Descriptions.Item>
        <Descriptions.Item label="涉及金额">{yuan(d.amount_involved)}</Descriptions.Item>
        <Descriptions.Item label="承办民警">{dash(d.officer_name)}</Descriptions.Item>
        <Descriptions.Item label="结案日期">{dash(d.closed_on)}</Descriptions.Item>
        <Descriptions.Item label="纠纷事实" span={3}>
          {dash(d.facts)}
        </Descriptions.Item>
        <Descriptions.Item label="争议事项" span={3}>
          {dash(d.matters)}
        </Descriptions.Item>
      </Descriptions>
      <Table<Party>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={d.parties}
        columns={[
          { title: "当事人", dataIndex: "name", render: (n: string, p) => (p.person_id ? <RecordLink table="person" id={p.person_id}>{n}</RecordLink> : n) },
          { title: "身份", dataIndex: "role_label" },
          { title: "电话", dataIndex: "phone", render: dash },
          { title: "住址", dataIndex: "address", render: dash },
        ]}
      />
      <Descriptions size="small" column={1} bordered title="调解与协议">
        {d.mediations.map((m, i) => (
          <Descriptions.Item key={m.id} label={`第 ${i + 1} 次：${m.level_label}`}>
            {m.held_on}，{m.outcome_label}
            {m.presider_name ? `，主持 ${m.presider_name}` : ""}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label="协议">{d.agreement ? `${d.agreement.kind_label} ${d.agreement.number ?? "（草稿）"}` : "—"}</Descriptions.Item>
        <Descriptions.Item label="回访">{d.follow_ups.length ? d.follow_ups.map((f) => `${f.due_on} ${f.done_on ? "已回访" : "未回访"}`).join("，") : "—"}</Descriptions.Item>
      </Descriptions>
    </Space>
  );
}

function ErrandView({ e }: { e: Errand }) {
  return (
    <Descriptions size="small" column={3} bordered>
      <Descriptions.Item label="事项">{dash(e.service_item_name)}</Descriptions.Item>
      <Descriptions.Item label="申请人">{e.person_id ? <RecordLink table="person" id={e.person_id}>{e.applicant_name}</RecordLink> : e.applicant_name}</Descriptions.Item>
      <Descriptions.Item label="电话">{dash(e.applicant_phone)}</Descriptions.Item>
      <Descriptions.Item label="状态">
        {e.status_label}
        {e.overdue && <Tag color="red" style={{ marginLeft: 8 }}>逾期 {e.days_overdue} 天</Tag>}
      </Descriptions.Item>
      <Descriptions.Item label="受理日期">{e.requested_on}</Descriptions.Item>
      <Descriptions.Item label="办理期限">{e.due_on}</Descriptions.Item>
      <Descriptions.Item label="承办民警">{dash(e.officer_name)}</Descriptions.Item>
      <Descriptions.Item label="办结日期">{dash(e.done_on)}</Descriptions.Item>
      <Descriptions.Item label="备注">{dash(e.notes)}</Descriptions.Item>
    </Descriptions>
  );
}

function IncidentView({ i }: { i: Incident }) {
  return (
    <Descriptions size="small" column={3} bordered>
      <Descriptions.Item label="发生时间">{i.occurred_at_local}</Descriptions.Item>
      <Descriptions.Item label="类别">{i.kind_label}</Descriptions.Item>
      <Descriptions.Item label="处置">{i.disposition_label}</Descriptions.Item>
      <Descriptions.Item label="地点" span={2}>
        {i.place}
      </Descriptions.Item>
      <Descriptions.Item label="村（社区）">{dash(i.village_name)}</Descriptions.Item>
      <Descriptions.Item label="报警人">{dash(i.reporter_name)}</Descriptions.Item>
      <Descriptions.Item label="电话">{dash(i.reporter_phone)}</Descriptions.Item>
      <Descriptions.Item label="处警民警">{dash(i.officer_name)}</Descriptions.Item>
      <Descriptions.Item label="简要情况" span={3}>
        {i.summary}
      </Descriptions.Item>
      <Descriptions.Item label="处理经过" span={3}>
        {dash(i.handling)}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** 指派: hands this record (and what hangs from it) to a post; it arrives with the post's next sync. */
function AssignCard({ view }: { view: RecordView }) {
  const { message } = App.useApp();
  const posts = usePosts();
  const [post, setPost] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const { busy, error, setError, run } = useAction();
  const assign = async () => {
    if (!post) {
      setError("请选择要指派给的警务室");
      return;
    }
    await run(async () => {
      const a = await hq.assign({ post_id: post, table: view.table, id: view.id, note: note.trim() || null });
      message.success(`已指派给“${a.post_name}”，下次同步时送达`);
      setNote("");
    });
  };
  return (
    <Card size="small" title="指派给警务室">
      <ErrorLine error={error} />
      <Form layout="inline">
        <Form.Item label="警务室">
          <PostSelect posts={posts} value={post} onChange={setPost} placeholder="选择警务室" width={200} />
        </Form.Item>
        <Form.Item label="说明">
          <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder="如：请联调" style={{ width: 260 }} data-testid="assign-note" />
        </Form.Item>
        <Button type="primary" icon={<SendOutlined />} loading={busy} onClick={() => void assign()} data-testid="assign">
          指派
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        记录连同其下属记录（当事人、调解经过等）在该警务室下次同步时送达；撤回在“指派”页面。
      </Typography.Paragraph>
    </Card>
  );
}
