import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Card, Descriptions, Empty, Modal, Skeleton, Space, Table, Tag, Timeline, Typography } from "antd";
import { ArrowLeftOutlined, EditOutlined, PlusOutlined } from "@ant-design/icons";
import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { DisputeRow, Errand, Household, Incident, Person, PersonBrief, Village } from "../../backend";
import { DisputeStatusTag } from "../../components/DisputeStatusTag";
import { DispositionTag } from "../../components/DispositionTag";
import { RepeatTags } from "../../components/RepeatTags";
import { RiskLevelTag } from "../../components/RiskLevelTag";
import { KnownTagLabel, RelationLabel, ResidenceLabel, SexLabel } from "../../backend/types";
import { PersonForm } from "./PersonForm";
import { HouseholdForm } from "./HouseholdForm";
import { VisitForm } from "./VisitForm";

const tagLabel = (t: string) => (KnownTagLabel as Record<string, string>)[t] ?? t;

/** A household's card: its members, its visits, and the disputes, errands and incidents of its people. */
export function HouseholdCard() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [household, setHousehold] = useState<Household | null>(null);
  const [villages, setVillages] = useState<Village[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [errands, setErrands] = useState<Errand[]>([]);
  const [disputes, setDisputes] = useState<DisputeRow[]>([]);
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [related, setRelated] = useState<string | null>(null);
  const [editing, setEditing] = useState<Person | "new" | "household" | "visit" | null>(null);
  const highlight = params.get("person");

  const load = useCallback(() => {
    backend.household.get(id).then(
      (h) => {
        setHousehold(h);
        setError(null);
      },
      (e) => setError(toBackendError(e).message),
    );
  }, [id]);
  useEffect(load, [load]);
  useEffect(() => {
    if (!household) return;
    const household_id = household.id;
    Promise.all([
      backend.dispute.list({ household_id, page: 1, page_size: 50 }),
      backend.errand.list({ household_id, overdue: false, page: 1, page_size: 50 }),
      backend.incident.list({ household_id, page: 1, page_size: 50 }),
    ]).then(
      ([d, e, i]) => {
        setDisputes(d.items);
        setErrands(e.items);
        setIncidents(i.items);
        setRelated(null);
      },
      (e) => setRelated(toBackendError(e).message),
    );
  }, [household]);
  useEffect(() => {
    backend.village.list().then(setVillages, () => {});
  }, []);

  const editPerson = async (p: PersonBrief) => {
    try {
      setEditing(await backend.person.get(p.id));
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };

  if (error) return <Alert type="error" showIcon message={error} />;
  if (!household) return <Skeleton active />;
  const closeAndReload = () => {
    setEditing(null);
    load();
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label="返回" />
            <span data-testid="household-title">{household.head_name ? `${household.head_name}户` : "户"}</span>
            <Typography.Text type="secondary">{household.address}</Typography.Text>
          </Space>
        }
        extra={
          <Button icon={<EditOutlined />} onClick={() => setEditing("household")}>
            修改户信息
          </Button>
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="村（社区）">{household.village_name}</Descriptions.Item>
          <Descriptions.Item label="村民小组">{household.group_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="门牌号">{household.house_no ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="户主">{household.head_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="联系电话">{household.phone ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="备注">{household.notes ?? "—"}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        title={`家庭成员（${household.members.length} 人）`}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setEditing("new")} data-testid="add-member">
            添加成员
          </Button>
        }
      >
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={household.members}
          rowClassName={(p) => (p.id === highlight ? "ant-table-row-selected" : "")}
          columns={[
            { title: "姓名", dataIndex: "name", width: 90 },
            { title: "与户主关系", dataIndex: "relation", width: 100, render: (r) => (r ? RelationLabel[r as "head"] : "") },
            { title: "性别", dataIndex: "sex", width: 60, render: (s) => (s ? SexLabel[s as "male"] : "") },
            { title: "出生日期", dataIndex: "birth_date", width: 110 },
            { title: "公民身份号码", dataIndex: "id_number", width: 180 },
            { title: "电话", dataIndex: "phone", width: 120 },
            { title: "居住状态", dataIndex: "residence", width: 90, render: (r) => ResidenceLabel[r as "permanent"] },
            {
              title: "标签",
              dataIndex: "tags",
              render: (tags: string[]) => tags.map((t) => <Tag key={t}>{tagLabel(t)}</Tag>),
            },
            {
              title: "",
              width: 70,
              render: (_, p) => (
                <Button size="small" onClick={() => void editPerson(p)}>
                  修改
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card
        title={`走访记录（${household.visits.length} 次）`}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setEditing("visit")}>
            记录走访
          </Button>
        }
      >
        {household.visits.length === 0 ? (
          <Empty description="还没有走访记录" />
        ) : (
          <Timeline
            items={household.visits.map((v) => ({
              children: (
                <div>
                  <Typography.Text strong>{v.visited_on}</Typography.Text>
                  <span data-testid="visit-whom"> 走访{v.person_name ?? "全户"}</span>
                  <Typography.Text type="secondary"> {v.officer_name ?? ""}</Typography.Text>
                  {v.notes && <div>{v.notes}</div>}
                  {v.needs && <div>诉求：{v.needs}</div>}
                </div>
              ),
            }))}
          />
        )}
      </Card>
      {related && <Alert type="error" showIcon message={`无法读取家庭成员的纠纷、代办和警情：${related}`} />}
      <Card title={`家庭成员的矛盾纠纷（${disputes.length} 件）`} data-testid="household-disputes">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={disputes}
          locale={{ emptyText: "没有矛盾纠纷" }}
          onRow={(d) => ({ onClick: () => navigate(`/disputes/${d.id}`), style: { cursor: "pointer" } })}
          columns={[
            { title: "受理日期", dataIndex: "received_on", width: 110 },
            { title: "纠纷", dataIndex: "title" },
            { title: "预警", dataIndex: "risk_level", width: 100, render: (l, d) => <RiskLevelTag level={l} label={d.risk_level_label} /> },
            { title: "当事人", dataIndex: "party_names", width: 200 },
            { title: "状态", dataIndex: "status_label", width: 100, render: (l, d) => <DisputeStatusTag status={d.status} label={l} /> },
          ]}
        />
      </Card>
      <Card
        title={`家庭成员涉及的警情（${incidents.length} 起${
          incidents.some((i) => i.repeats.total > 0) ? `，其中重复警情 ${incidents.filter((i) => i.repeats.total > 0).length} 起` : ""
        }）`}
        data-testid="household-incidents"
      >
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={incidents}
          locale={{ emptyText: "没有警情" }}
          columns={[
            { title: "发生时间", dataIndex: "occurred_at_local", width: 150 },
            { title: "类别", dataIndex: "kind_label", width: 100 },
            { title: "简要警情", dataIndex: "summary", ellipsis: true },
            { title: "重复警情", dataIndex: "repeats", width: 180, render: (_, i: Incident) => <RepeatTags repeats={i.repeats} /> },
            {
              title: "处置结果",
              dataIndex: "disposition_label",
              width: 100,
              render: (l: string, i: Incident) => <DispositionTag disposition={i.disposition} label={l} />,
            },
          ]}
        />
      </Card>
      <Card title={`家庭成员的代办（${errands.length} 件）`}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={errands}
          locale={{ emptyText: "没有代办" }}
          rowClassName={(e) => (e.overdue ? "fq-overdue" : "")}
          columns={[
            { title: "办事群众", dataIndex: "applicant_name", width: 100 },
            { title: "服务事项", dataIndex: "service_item_name" },
            { title: "受理日期", dataIndex: "requested_on", width: 110 },
            { title: "到期日期", dataIndex: "due_on", width: 110 },
            { title: "状态", dataIndex: "status_label", width: 90, render: (l, e) => (e.overdue ? <Tag color="red">{l}·逾期</Tag> : <Tag>{l}</Tag>) },
          ]}
        />
      </Card>
      <Modal
        open={editing !== null && typeof editing === "object"}
        title="修改人员"
        footer={null}
        width={760}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        {editing !== null && typeof editing === "object" && (
          <PersonForm person={editing} onSaved={closeAndReload} onCancel={() => setEditing(null)} />
        )}
      </Modal>
      <Modal open={editing === "new"} title="添加家庭成员" footer={null} width={760} onCancel={() => setEditing(null)} destroyOnHidden>
        <PersonForm householdId={household.id} onSaved={closeAndReload} onCancel={() => setEditing(null)} />
      </Modal>
      <Modal open={editing === "household"} title="修改户信息" footer={null} width={720} onCancel={() => setEditing(null)} destroyOnHidden>
        <HouseholdForm villages={villages} household={household} onSaved={closeAndReload} />
      </Modal>
      <Modal open={editing === "visit"} title="记录走访" footer={null} width={640} onCancel={() => setEditing(null)} destroyOnHidden>
        <VisitForm household={household} onSaved={closeAndReload} />
      </Modal>
    </Space>
  );
}
