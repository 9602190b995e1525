import { useCallback, useState } from "react";
import { Alert, Button, Card, Col, Form, Input, Modal, Row, Select, Space, Table, Tag } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { beijingNow } from "../../components/time";
import { backend } from "../../backend";
import type { FindingHandling, PatrolInput, PatrolMode } from "../../backend";
import { FindingHandlingLabel, HazardKindLabel, PatrolModeLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField, MonthField, thisMonth } from "../../components/DateField";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { useRefs, LedgerActions } from "./common";
import { useIncidentOptions } from "../../components/refs";
import { Field } from "../../components/Field";

type Refs = ReturnType<typeof useRefs>;

/** 登记巡逻: the patrol and each finding, handled on the spot or handed on. */
export function PatrolForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const incidentOptions = useIncidentOptions();
  const { form, formProps, saving, alert } = useSave(
    (v: PatrolInput) =>
      backend.patrol.create({
        ...blankToNull(v),
        volunteer_ids: v.volunteer_ids ?? [],
        findings: (v.findings ?? []).map((f) => blankToNull(f)),
      }),
    onSaved,
  );
  const now = beijingNow();
  return (
    <Form
      {...formProps}
      layout="vertical"
      data-testid="patrol-form"
      initialValues={{ mode: "fixed", started_at: now.subtract(2, "hour").format("YYYY-MM-DD HH:mm"), ended_at: now.format("YYYY-MM-DD HH:mm"), findings: [] }}
    >
      {alert}
      <Row gutter={16}>
        <Field span={8} name="started_at" label="开始时间" required><DateField showTime data-testid="patrol-started" /></Field>
        <Field span={8} name="ended_at" label="结束时间" required><DateField showTime data-testid="patrol-ended" /></Field>
        <Field span={8} name="mode" label="巡逻方式" required><Select options={options(PatrolModeLabel)} /></Field>
        <Field span={8} name="team_id" label="巡逻队伍"><Select allowClear options={refs.teamOptions} /></Field>
        <Field span={16} name="volunteer_ids" label="参加队员"><Select mode="multiple" allowClear showSearch optionFilterProp="label" options={refs.volunteerOptions} /></Field>
        <Field span={8} name="officer_id" label="带队民警/辅警"><Select allowClear options={refs.officerOptions} /></Field>
        <Field span={8} name="village_id" label="村（社区）"><Select allowClear options={refs.villageOptions} /></Field>
        <Field span={8} name="places" label="重点部位" />
        <Field span={24} name="route" label="巡逻路线" />
      </Row>
      <Form.List name="findings">
        {(fields, { add, remove }, { errors }) => (
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
            <Form.ErrorList errors={errors} />
            {fields.map((f) => (
              <Row gutter={8} key={f.key} align="top">
                <Field span={9} name={[f.name, "description"]} label="发现情况" required><Input data-testid={`finding-${f.name}-description`} /></Field>
                <Field span={5} name={[f.name, "handling"]} label="处置" required>
                  <Select options={options(FindingHandlingLabel)} data-testid={`finding-${f.name}-handling`} />
                </Field>
                <Form.Item noStyle shouldUpdate>
                  {() => {
                    const h = form.getFieldValue(["findings", f.name, "handling"]) as FindingHandling | undefined;
                    return (
                      <Col span={9}>
                        {h === "handled" && (
                          <Field name={[f.name, "result"]} label="当场处置结果"><Input data-testid={`finding-${f.name}-result`} /></Field>
                        )}
                        {h === "hazard" && (
                          <Field name={[f.name, "hazard_kind"]} label="隐患类别"><Select allowClear options={options(HazardKindLabel)} /></Field>
                        )}
                        {(h === "hazard" || h === "lead") && (
                          <Field name={[f.name, "place"]} label="地点（不填取重点部位）" />
                        )}
                        {h === "incident" && (
                          <Form.Item name={[f.name, "incident_id"]} label="已登记的警情">
                            <Select
                              allowClear
                              showSearch
                              optionFilterProp="label"
                              options={incidentOptions}
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
      <Field name="notes" label="备注" />
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
