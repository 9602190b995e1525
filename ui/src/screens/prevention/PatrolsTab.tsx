import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Card, Col, Form, Input, Modal, Row, Select, Space, Table, Tag } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import dayjs from "dayjs";
import { backend } from "../../backend";
import type { FindingHandling, Incident, PatrolInput, PatrolMode } from "../../backend";
import { FindingHandlingLabel, HazardKindLabel, PatrolModeLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField, MonthField, thisMonth } from "../../components/DateField";
import { options, useLoad, useRefs, useSave, LedgerActions } from "./common";

type Refs = ReturnType<typeof useRefs>;

/** 登记巡逻: the patrol and each finding, handled on the spot or handed on. */
export function PatrolForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const [form] = Form.useForm<PatrolInput>();
  const [incidents, setIncidents] = useState<Incident[]>([]);
  useEffect(() => {
    backend.incident.list({ page: 1, page_size: 50 }).then((p) => setIncidents(p.items), () => {});
  }, []);
  const { save, saving, alert } = useSave(
    form,
    (v) =>
      backend.patrol.create({
        ...blankToNull(v),
        volunteer_ids: v.volunteer_ids ?? [],
        findings: (v.findings ?? []).map((f) => blankToNull(f)),
      }),
    onSaved,
  );
  const now = dayjs();
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={save}
      data-testid="patrol-form"
      initialValues={{ mode: "fixed", started_at: now.subtract(2, "hour").format("YYYY-MM-DD HH:mm"), ended_at: now.format("YYYY-MM-DD HH:mm"), findings: [] }}
    >
      {alert}
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name="started_at" label="开始时间" required>
            <DateField showTime data-testid="patrol-started" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="ended_at" label="结束时间" required>
            <DateField showTime data-testid="patrol-ended" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="mode" label="巡逻方式" required>
            <Select options={options(PatrolModeLabel)} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="team_id" label="巡逻队伍">
            <Select allowClear options={refs.teamOptions} />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item name="volunteer_ids" label="参加队员">
            <Select mode="multiple" allowClear showSearch optionFilterProp="label" options={refs.volunteerOptions} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="officer_id" label="带队民警/辅警">
            <Select allowClear options={refs.officerOptions} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="village_id" label="村（社区）">
            <Select allowClear options={refs.villageOptions} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="places" label="重点部位">
            <Input />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="route" label="巡逻路线">
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Form.List name="findings">
        {(fields, { add, remove }) => (
          <Card
            size="small"
            title={`巡逻发现（${fields.length} 项）`}
            extra={
              <Button size="small" icon={<PlusOutlined />} onClick={() => add({ handling: "handled" })} data-testid="add-finding">
                添加发现
              </Button>
            }
            style={{ marginBottom: 16 }}
          >
            {fields.map((f) => (
              <Row gutter={8} key={f.key} align="top">
                <Col span={9}>
                  <Form.Item name={[f.name, "description"]} label="发现情况" required>
                    <Input data-testid={`finding-${f.name}-description`} />
                  </Form.Item>
                </Col>
                <Col span={5}>
                  <Form.Item name={[f.name, "handling"]} label="处置" required>
                    <Select options={options(FindingHandlingLabel)} data-testid={`finding-${f.name}-handling`} />
                  </Form.Item>
                </Col>
                <Form.Item noStyle shouldUpdate>
                  {() => {
                    const h = form.getFieldValue(["findings", f.name, "handling"]) as FindingHandling | undefined;
                    return (
                      <Col span={9}>
                        {h === "handled" && (
                          <Form.Item name={[f.name, "result"]} label="当场处置结果">
                            <Input data-testid={`finding-${f.name}-result`} />
                          </Form.Item>
                        )}
                        {h === "hazard" && (
                          <Form.Item name={[f.name, "hazard_kind"]} label="隐患类别">
                            <Select allowClear options={options(HazardKindLabel)} />
                          </Form.Item>
                        )}
                        {(h === "hazard" || h === "lead") && (
                          <Form.Item name={[f.name, "place"]} label="地点（不填取重点部位）">
                            <Input />
                          </Form.Item>
                        )}
                        {h === "incident" && (
                          <Form.Item name={[f.name, "incident_id"]} label="已登记的警情">
                            <Select
                              allowClear
                              showSearch
                              optionFilterProp="label"
                              options={incidents.map((i) => ({ value: i.id, label: `${i.occurred_at_local} ${i.kind_label} ${i.place}` }))}
                            />
                          </Form.Item>
                        )}
                      </Col>
                    );
                  }}
                </Form.Item>
                <Col span={1}>
                  <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label="删除此发现" style={{ marginTop: 30 }} />
                </Col>
              </Row>
            ))}
          </Card>
        )}
      </Form.List>
      <Form.Item name="notes" label="备注">
        <Input />
      </Form.Item>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="patrol-save">
          保存
        </Button>
      </div>
    </Form>
  );
}

/** 巡防: a month's patrol logs and their findings. */
export function PatrolsTab() {
  const refs = useRefs();
  const [month, setMonth] = useState(thisMonth());
  const patrols = useLoad(useCallback(() => backend.patrol.list(month), [month]), []);
  const [adding, setAdding] = useState(false);
  const hours = patrols.data.reduce((s, p) => s + p.minutes, 0) / 60;
  return (
    <Card
      size="small"
      title={
        <Space>
          巡逻记录
          <MonthField value={month} onChange={setMonth} />
          <span style={{ fontWeight: "normal" }}>
            共 {patrols.data.length} 次，{hours.toFixed(1)} 小时
          </span>
        </Space>
      }
      extra={<LedgerActions kind="patrols" month={month} addLabel="登记巡逻" onAdd={() => setAdding(true)} addTestId="new-patrol" />}
    >
      {patrols.error && <Alert type="error" showIcon message={patrols.error} />}
      <Table
        rowKey="id"
        size="small"
        loading={patrols.loading}
        dataSource={patrols.data}
        pagination={{ pageSize: 12, showSizeChanger: false }}
        expandable={{
          rowExpandable: (p) => p.findings.length > 0,
          expandedRowRender: (p) => (
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={p.findings}
              columns={[
                { title: "发现情况", dataIndex: "description" },
                { title: "处置", dataIndex: "handling", width: 110, render: (h: FindingHandling) => <Tag>{FindingHandlingLabel[h]}</Tag> },
                { title: "结果", dataIndex: "result", width: 240 },
              ]}
            />
          ),
        }}
        columns={[
          { title: "开始时间", dataIndex: "started_local", width: 150 },
          { title: "时长", dataIndex: "minutes", width: 80, render: (m: number) => `${m} 分钟` },
          { title: "方式", dataIndex: "mode", width: 80, render: (m: PatrolMode) => PatrolModeLabel[m] },
          { title: "队伍", dataIndex: "team_name", width: 160 },
          { title: "人数", dataIndex: "volunteer_ids", width: 60, render: (v: string[]) => v.length },
          { title: "路线/部位", render: (_, p) => [p.route, p.places].filter(Boolean).join("；") },
          { title: "发现", dataIndex: "findings", width: 60, render: (f: unknown[]) => f.length },
        ]}
      />
      <Modal open={adding} title="登记巡逻" footer={null} width={900} onCancel={() => setAdding(false)} destroyOnHidden>
        <PatrolForm
          refs={refs}
          onSaved={() => {
            setAdding(false);
            patrols.reload();
          }}
        />
      </Modal>
    </Card>
  );
}
