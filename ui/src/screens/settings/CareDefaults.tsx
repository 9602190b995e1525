import { Button, Form, InputNumber, Space, Table, Tag, Typography } from "antd";
import { backend } from "../../backend";
import type { CareDefault, CareDefaultInput } from "../../backend";
import { Field } from "../../components/Field";
import { useSave } from "../../components/useSave";
import { useCareDefaults } from "../care/CareForm";

/** One tag's interval, saved on its own row. */
function IntervalForm({ d, onSaved }: { d: CareDefault; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: CareDefaultInput) => backend.care.setDefault({ ...v, tag: d.tag }), onSaved);
  return (
    <Form {...formProps} layout="inline" name={`care-default-${d.tag}`} initialValues={{ interval_days: d.interval_days }}>
      {alert}
      <Field name="interval_days" required>
        <InputNumber min={1} precision={0} addonBefore="每" addonAfter="天" style={{ width: 160 }} aria-label={`${d.label}走访周期`} />
      </Field>
      <Button htmlType="submit" loading={saving} data-testid={`care-default-save-${d.tag}`}>
        保存
      </Button>
    </Form>
  );
}

/** 设置 → 结对帮扶: how often each kind of person under care is visited by default (所长 or the
 * station admin sets it; the core refuses others). A plan may still set its own interval. */
export function CareDefaults() {
  const { data, error, reload } = useCareDefaults();
  return (
    <Space direction="vertical" style={{ maxWidth: 760, width: "100%" }} data-testid="care-defaults">
      <Typography.Paragraph type="secondary">新制定的帮扶计划按类别取这里的走访周期；单个计划可另行修改。</Typography.Paragraph>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Table<CareDefault>
        rowKey="tag"
        size="small"
        pagination={false}
        dataSource={data}
        columns={[
          { title: "帮扶类别", dataIndex: "label", width: 160 },
          { title: "走访周期", render: (_, d) => <IntervalForm d={d} onSaved={reload} /> },
          { title: "", width: 110, render: (_, d) => (d.set_by_admin ? <Tag color="blue">本所设定</Tag> : <Tag>默认</Tag>) },
        ]}
      />
    </Space>
  );
}
