import { useCallback, useEffect, useState } from "react";
import { Alert, Badge, Button, Card, Col, Collapse, Empty, Input, Modal, Row, Space, Table, Tabs, Tag, Typography } from "antd";
import { PlusOutlined, ShopOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { Board, Catalogue, Errand, ErrandPage, ErrandStatus } from "../../backend";
import { ErrandCancellable, ErrandNextStep } from "../../backend/types";
import { ErrandForm } from "./ErrandForm";
import { AdvanceForm } from "./AdvanceForm";

/** 代办: the board by status, overdue errands, the catalogue, and new errands. */
export function ErrandsScreen() {
  const navigate = useNavigate();
  const [board, setBoard] = useState<Board | null>(null);
  const [overdue, setOverdue] = useState<ErrandPage | null>(null);
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [advancing, setAdvancing] = useState<{ errand: Errand; to: ErrandStatus } | null>(null);
  const [cancelling, setCancelling] = useState<Errand | null>(null);
  const [reason, setReason] = useState("");
  const [cancelError, setCancelError] = useState<string | null>(null);

  const load = useCallback(() => {
    Promise.all([backend.errand.board(30), backend.errand.list({ overdue: true, page_size: 50 })])
      .then(([b, o]) => {
        setBoard(b);
        setOverdue(o);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message));
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    backend.serviceItem.list().then(setCatalogue, () => {});
  }, []);

  const cancel = async () => {
    if (!cancelling) return;
    try {
      await backend.errand.cancel({ id: cancelling.id, reason });
      setCancelling(null);
      setReason("");
      load();
    } catch (e) {
      setCancelError(toBackendError(e).message);
    }
  };

  const errandCard = (e: Errand) => {
    const step = ErrandNextStep[e.status];
    return (
      <Card
        key={e.id}
        size="small"
        style={{ marginBottom: 8, borderColor: e.overdue ? "#ff4d4f" : undefined }}
        data-testid="errand-card"
      >
        <Space direction="vertical" size={2} style={{ width: "100%" }}>
          <Typography.Text strong>{e.service_item_name}</Typography.Text>
          <span>
            {e.applicant_name}
            {e.applicant_phone ? `　${e.applicant_phone}` : ""}
          </span>
          <Typography.Text type="secondary">
            {e.mode_label} · 受理 {e.requested_on} · 到期 {e.due_on}
          </Typography.Text>
          {e.overdue && <Tag color="red">已逾期 {e.days_overdue} 天</Tag>}
          {e.status === "delivered" && e.delivered_on && <Typography.Text type="secondary">送达 {e.delivered_on}</Typography.Text>}
          {e.status === "cancelled" && <Typography.Text type="secondary">取消：{e.cancel_reason}</Typography.Text>}
          <Space>
            {step && (
              <Button size="small" type="primary" onClick={() => setAdvancing({ errand: e, to: step.to })} data-testid="errand-advance">
                {step.label}
              </Button>
            )}
            {ErrandCancellable[e.status] && (
              <Button size="small" onClick={() => setCancelling(e)}>
                取消
              </Button>
            )}
          </Space>
        </Space>
      </Card>
    );
  };

  return (
    <Card
      title="代办"
      extra={
        <Space>
          <Button icon={<ShopOutlined />} onClick={() => navigate("/errands/stations")} data-testid="open-stations">
            驿站
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-errand">
            受理代办
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Tabs
        items={[
          {
            key: "board",
            label: "看板",
            children: board ? (
              <Row gutter={12} wrap={false} style={{ overflowX: "auto" }}>
                {board.columns.map((c) => (
                  <Col key={c.status} flex="1 0 200px" data-testid={`errand-column-${c.status}`}>
                    <Card size="small" title={<Space>{c.label}<Badge count={c.count} showZero color="#1f4e99" /></Space>} styles={{ body: { background: "#fafafa", minHeight: 300, maxHeight: "calc(100vh - 290px)", overflowY: "auto" } }}>
                      {c.items.length ? c.items.map(errandCard) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无" />}
                      {c.count > c.items.length && <Typography.Text type="secondary">另有 {c.count - c.items.length} 件</Typography.Text>}
                    </Card>
                  </Col>
                ))}
              </Row>
            ) : null,
          },
          {
            key: "overdue",
            // The count beside the word, not over it.
            label: (
              <Space size={6} data-testid="overdue-tab">
                逾期
                <Badge count={board?.overdue ?? 0} overflowCount={999} />
              </Space>
            ),
            children: (
              <Table
                rowKey="id"
                size="small"
                dataSource={overdue?.items ?? []}
                rowClassName={() => "fq-overdue"}
                pagination={false}
                columns={[
                  { title: "服务事项", dataIndex: "service_item_name" },
                  { title: "申请人", dataIndex: "applicant_name", width: 100 },
                  { title: "状态", dataIndex: "status_label", width: 90 },
                  { title: "到期日期", dataIndex: "due_on", width: 110 },
                  { title: "逾期天数", dataIndex: "days_overdue", width: 90, align: "right" },
                  { title: "经办", dataIndex: "officer_name", width: 90 },
                ]}
              />
            ),
          },
          {
            key: "catalogue",
            label: `服务事项目录${catalogue ? `（${catalogue.categories.length} 大类 ${catalogue.total} 项）` : ""}`,
            children: catalogue && (
              <Collapse
                defaultActiveKey={catalogue.categories.map((c) => c.category)}
                items={catalogue.categories.map((c) => ({
                  key: c.category,
                  label: `${c.category}（${c.items.length} 项）`,
                  children: (
                    <Table
                      rowKey="id"
                      size="small"
                      pagination={false}
                      dataSource={c.items}
                      columns={[
                        { title: "事项", dataIndex: "name", width: 220 },
                        { title: "办理时限", dataIndex: "time_limit_days", width: 90, render: (d) => (d != null ? `${d} 天` : "—") },
                        { title: "所需材料", dataIndex: "materials" },
                      ]}
                    />
                  ),
                }))}
              />
            ),
          },
        ]}
      />
      <Modal open={creating} title="受理代办" footer={null} width={720} onCancel={() => setCreating(false)} destroyOnHidden>
        <ErrandForm
          onSaved={() => {
            setCreating(false);
            load();
          }}
        />
      </Modal>
      <Modal open={advancing !== null} title="推进代办" footer={null} onCancel={() => setAdvancing(null)} destroyOnHidden>
        {advancing && (
          <AdvanceForm
            errand={advancing.errand}
            to={advancing.to}
            onSaved={() => {
              setAdvancing(null);
              load();
            }}
          />
        )}
      </Modal>
      <Modal
        open={cancelling !== null}
        title="取消代办"
        okText="取消代办"
        cancelText="返回"
        onOk={() => void cancel()}
        onCancel={() => {
          setCancelling(null);
          setCancelError(null);
        }}
        destroyOnHidden
      >
        {cancelError && <Alert type="error" showIcon message={cancelError} style={{ marginBottom: 12 }} />}
        <Input.TextArea rows={3} placeholder="取消原因" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </Card>
  );
}
