import { useCallback, useState } from "react";
import { Alert, Button, Card, Col, Descriptions, Empty, Modal, Popconfirm, Row, Space, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router-dom";
import { backend } from "../../backend";
import type { Lawyer, LawyerDetail, LawyerDispute, Sitting } from "../../backend";
import { LedgerExportButton } from "../../components/FileActions";
import { useLoad } from "../../components/useLoad";
import { LawyerForm, SittingForm, useLawyers } from "./CounselForms";

/** Hours as the post writes them: 3 or 2.5. */
const hours = (h: number) => `${Number(h.toFixed(1))}`;

/** One lawyer's page: their record, the sittings (登记坐班, 修改, 删除) and the disputes they joined. */
function LawyerPanel({ detail, lawyers, reload }: { detail: LawyerDetail; lawyers: Lawyer[]; reload: () => void }) {
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [sitting, setSitting] = useState<Sitting | "new" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const l = detail.lawyer;
  const remove = async (id: string) => {
    try {
      await backend.counsel.deleteSitting(id);
      reload();
    } catch (e) {
      setError((e as { message?: string }).message ?? String(e));
    }
  };
  return (
    <div data-testid="lawyer-page">
      <Descriptions
        size="small"
        bordered
        column={3}
        title={
          <Space>
            {l.name}
            <Tag color="blue">{l.kind_label}</Tag>
            {!l.serving && <Tag>已不在服务期</Tag>}
          </Space>
        }
        extra={<Button onClick={() => setEditing(true)} data-testid="lawyer-edit">修改</Button>}
        items={[
          { key: "firm", label: "律师事务所", children: l.firm },
          { key: "licence", label: "执业证号", children: l.licence_no },
          { key: "phone", label: "联系电话", children: l.phone ?? "—" },
          { key: "term", label: "服务期", children: `${l.serving_from} 至 ${l.serving_to ?? "今"}` },
          { key: "sat", label: "坐班", children: `${l.sittings} 次，${hours(l.hours)} 小时` },
          { key: "notes", label: "备注", children: l.notes ?? "—" },
        ]}
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 16 }} closable onClose={() => setError(null)} />}
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={14}>
          <Card
            size="small"
            title="坐班记录"
            extra={
              <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => setSitting("new")} data-testid="sitting-new">
                登记坐班
              </Button>
            }
          >
            <Table<Sitting>
              rowKey="id"
              size="small"
              dataSource={detail.sittings}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              onRow={() => ({ "data-testid": "sitting-row" }) as never}
              columns={[
                { title: "日期", dataIndex: "sat_on", width: 110 },
                { title: "时长", dataIndex: "hours", width: 70, render: (h: number) => `${hours(h)} 小时` },
                { title: "咨询", dataIndex: "consultations", width: 60 },
                { title: "接待", dataIndex: "people_served", width: 60 },
                { title: "咨询事项", dataIndex: "topics", ellipsis: true },
                {
                  title: "",
                  width: 110,
                  render: (_, s) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setSitting(s)}>修改</Button>
                      <Popconfirm title="删除这条坐班记录？" onConfirm={() => void remove(s.id)}>
                        <Button type="link" size="small" danger>删除</Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title="参与调解的纠纷" data-testid="lawyer-disputes">
            {detail.disputes.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未参与调解" />
            ) : (
              <Table<LawyerDispute>
                rowKey="dispute_id"
                size="small"
                pagination={false}
                dataSource={detail.disputes}
                onRow={(d) => ({ onClick: () => navigate(`/disputes/${d.dispute_id}`), style: { cursor: "pointer" } }) as never}
                columns={[
                  { title: "纠纷", dataIndex: "title", render: (t: string, d) => <><Typography.Text strong>{t}</Typography.Text> <Tag>{d.status_label}</Tag></> },
                  { title: "最近一次", width: 150, render: (_, d) => `${d.last_held_on} ${d.level_label}（${d.mode_label}）` },
                  { title: "次数", dataIndex: "rounds", width: 50 },
                ]}
              />
            )}
          </Card>
        </Col>
      </Row>
      <Modal open={editing} title="修改律师信息" footer={null} onCancel={() => setEditing(false)} destroyOnHidden width={720}>
        <LawyerForm
          lawyer={l}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      </Modal>
      <Modal open={sitting !== null} title={sitting === "new" ? "登记律师坐班" : "修改坐班记录"} footer={null} onCancel={() => setSitting(null)} destroyOnHidden width={640}>
        <SittingForm
          lawyers={lawyers}
          lawyerId={l.id}
          sitting={sitting === "new" || sitting === null ? undefined : sitting}
          onSaved={() => {
            setSitting(null);
            reload();
          }}
        />
      </Modal>
    </div>
  );
}

/**
 * 法律顾问: the lawyers serving the post (法律顾问, 驻所律师), and the chosen one's sittings and
 * the disputes they took part in mediating; 登记律师, 登记坐班, and the 坐班 ledger.
 */
export function CounselScreen() {
  const lawyers = useLawyers();
  const [chosen, setChosen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const current = chosen ?? lawyers.data[0]?.id ?? null;
  const detail = useLoad(
    useCallback(() => (current ? backend.counsel.lawyer(current) : Promise.resolve(null)), [current]),
    null as LawyerDetail | null,
  );
  const reload = () => {
    lawyers.reload();
    detail.reload();
  };
  return (
    <Card
      title="法律顾问、驻所律师"
      data-testid="counsel-screen"
      extra={
        <Space>
          <LedgerExportButton kind="sittings" />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="lawyer-new">
            登记律师
          </Button>
        </Space>
      }
    >
      {lawyers.error && <Alert type="error" showIcon message={lawyers.error} style={{ marginBottom: 16 }} />}
      <Table<Lawyer>
        rowKey="id"
        size="small"
        loading={lawyers.loading}
        dataSource={lawyers.data}
        pagination={false}
        rowClassName={(l) => (l.id === current ? "ant-table-row-selected" : "")}
        onRow={(l) => ({ onClick: () => setChosen(l.id), style: { cursor: "pointer" }, "data-testid": "lawyer-row" }) as never}
        columns={[
          { title: "姓名", dataIndex: "name", render: (n: string, l) => <Space><Typography.Text strong>{n}</Typography.Text><Tag>{l.kind_label}</Tag></Space> },
          { title: "律师事务所", dataIndex: "firm" },
          { title: "服务期", width: 200, render: (_, l) => `${l.serving_from} 至 ${l.serving_to ?? "今"}` },
          { title: "坐班", width: 140, render: (_, l) => `${l.sittings} 次，${hours(l.hours)} 小时` },
        ]}
        locale={{ emptyText: "尚未登记律师" }}
        style={{ marginBottom: 16 }}
      />
      {detail.error && <Alert type="error" showIcon message={detail.error} style={{ marginBottom: 16 }} />}
      {detail.data && <LawyerPanel detail={detail.data} lawyers={lawyers.data} reload={reload} />}
      <Modal open={creating} title="登记法律顾问、驻所律师" footer={null} onCancel={() => setCreating(false)} destroyOnHidden width={720}>
        <LawyerForm
          onSaved={(l) => {
            setCreating(false);
            setChosen(l.id);
            lawyers.reload();
          }}
        />
      </Modal>
    </Card>
  );
}
