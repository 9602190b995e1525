import { useCallback, useState } from "react";
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Row, Select, Space, Table } from "antd";
import { beijingNow } from "../../components/time";
import { backend } from "../../backend";
import type { OutreachInput, OutreachTopic } from "../../backend";
import { OutreachTopicLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField, MonthField, YearField, thisMonth } from "../../components/DateField";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { useRefs, LedgerActions } from "./common";
import { Field } from "../../components/Field";

type Refs = ReturnType<typeof useRefs>;

export function OutreachForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave(
    (v: OutreachInput) => backend.outreach.create({ ...blankToNull(v), audience: v.audience ?? 0, leaflets: v.leaflets ?? 0, app_registrations: v.app_registrations ?? 0 }),
    onSaved,
  );
  return (
    <Form {...formProps} layout="vertical" initialValues={{ topic: "anti_fraud", audience: 0, leaflets: 0, app_registrations: 0 }} data-testid="outreach-form">
      {alert}
      <Row gutter={16}>
        <Field span={8} name="topic" label="主题" required><Select options={options(OutreachTopicLabel)} /></Field>
        <Field span={16} name="title" label="活动名称" />
        <Field span={8} name="held_on" label="日期（不填为今天）"><DateField /></Field>
        <Field span={8} name="place" label="地点" required><Input data-testid="outreach-place" /></Field>
        <Field span={8} name="village_id" label="村（社区）"><Select allowClear options={refs.villageOptions} /></Field>
        <Field span={8} name="audience" label="受众人数"><InputNumber min={0} precision={0} style={{ width: "100%" }} data-testid="outreach-audience" /></Field>
        <Field span={8} name="leaflets" label="发放资料（份）"><InputNumber min={0} precision={0} style={{ width: "100%" }} /></Field>
        <Field span={8} name="app_registrations" label="注册国家反诈中心APP（人）"><InputNumber min={0} precision={0} style={{ width: "100%" }} data-testid="outreach-app" /></Field>
        <Field span={12} name="officer_id" label="组织民警"><Select allowClear options={refs.officerOptions} /></Field>
        <Field span={12} name="notes" label="备注" />
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="outreach-save">
          保存
        </Button>
      </div>
    </Form>
  );
}

/** 宣传: a month's outreach events, and the year's totals per village. */
export function OutreachTab() {
  const refs = useRefs();
  const [month, setMonth] = useState(thisMonth());
  const [year, setYear] = useState(beijingNow().year());
  const events = useLoad(useCallback(() => backend.outreach.list(month), [month]), []);
  const totals = useLoad(useCallback(() => backend.outreach.totals(year), [year]), []);
  const [adding, setAdding] = useState(false);
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        size="small"
        title={
          <Space>
            宣传活动
            <MonthField value={month} onChange={setMonth} />
          </Space>
        }
        extra={<LedgerActions kind="outreach" month={month} addLabel="登记宣传活动" onAdd={() => setAdding(true)} addTestId="new-outreach" />}
      >
        {events.error && <Alert type="error" showIcon message={events.error} />}
        <Table
          rowKey="id"
          size="small"
          loading={events.loading}
          dataSource={events.data}
          pagination={{ pageSize: 8, showSizeChanger: false }}
          columns={[
            { title: "日期", dataIndex: "held_on", width: 105 },
            { title: "主题", dataIndex: "topic", width: 90, render: (t: OutreachTopic) => OutreachTopicLabel[t] },
            { title: "活动", dataIndex: "title", ellipsis: true },
            { title: "地点", dataIndex: "place", width: 150, ellipsis: true },
            { title: "村（社区）", dataIndex: "village_name", width: 100 },
            { title: "受众", dataIndex: "audience", width: 70 },
            { title: "资料", dataIndex: "leaflets", width: 70 },
            { title: "APP注册", dataIndex: "app_registrations", width: 80 },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={
          <Space>
            各村全年合计
            <YearField value={year} onChange={setYear} />
          </Space>
        }
      >
        {totals.error && <Alert type="error" showIcon message={totals.error} />}
        <Table
          rowKey={(t) => t.village_id ?? "none"}
          size="small"
          pagination={false}
          loading={totals.loading}
          dataSource={totals.data}
          data-testid="outreach-totals"
          columns={[
            { title: "村（社区）", dataIndex: "village_name", render: (n) => n ?? "未分村" },
            { title: "场次", dataIndex: "sessions", width: 80 },
            { title: "受众人数", dataIndex: "audience", width: 100 },
            { title: "发放资料", dataIndex: "leaflets", width: 100 },
            { title: "注册反诈APP", dataIndex: "app_registrations", width: 120 },
          ]}
        />
      </Card>
      <Modal open={adding} title="登记宣传活动" footer={null} width={720} onCancel={() => setAdding(false)} destroyOnHidden>
        <OutreachForm
          refs={refs}
          onSaved={() => {
            setAdding(false);
            events.reload();
            totals.reload();
          }}
        />
      </Modal>
    </Space>
  );
}
