import { useEffect, useState } from "react";
import { App, Button, Card, Col, Form, InputNumber, Row, Select, Typography } from "antd";
import { toBackendError } from "../../backend";
import type { CountyWarningRules, WarningRules } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";

type NumberKey = { [K in keyof WarningRules]: WarningRules[K] extends number ? K : never }[keyof WarningRules];

/** The numeric rules, in the order the form shows them, each in Chinese. */
const NUMBERS: [NumberKey, string][] = [
  ["red_at", "红色预警分值"],
  ["orange_at", "橙色预警分值"],
  ["yellow_at", "黄色预警分值"],
  ["repeat_party_days", "当事人重复涉纠纷回看天数"],
  ["repeat_party_points", "每件重复纠纷分值"],
  ["repeat_party_max", "每名当事人最多计几件"],
  ["same_pair_points", "同一双方再起纠纷分值"],
  ["incident_days", "关联警情回看天数"],
  ["incident_points", "每起关联警情分值"],
  ["violent_incident_points", "每起涉暴力警情分值"],
  ["incident_max", "最多计几起警情"],
  ["fulfilment_overdue_points", "协议逾期未履行分值"],
  ["not_held_points", "回访发现协议未落实分值"],
  ["failed_round_points", "每次调解不成分值"],
  ["failed_round_max", "最多计几次调解不成"],
  ["overtime_points", "超过调解期限分值"],
  ["expected_days_simple", "简单纠纷调解期限（天）"],
  ["expected_days_general", "一般纠纷调解期限（天）"],
  ["expected_days_major", "重大疑难纠纷调解期限（天）"],
  ["major_grade_points", "重大疑难纠纷分值"],
  ["large_amount_fen", "涉及金额较大的起点（分）"],
  ["large_amount_points", "涉及金额较大分值"],
  ["threat_points", "每个扬言过激词语分值"],
  ["threat_max", "最多计几个词语"],
  ["repeat_incident_days", "重复警情天数"],
  ["refollow_days", "协议未落实后再次回访间隔（天）"],
];

/**
 * 预警规则 (the county admin): every threshold, weight and window of the warning rules and
 * the county's threat words. Saved at HQ, they reach every post with its next sync; a post's
 * station admin may still set the post's own words.
 */
export function WarningRulesScreen() {
  const { message } = App.useApp();
  const [form] = Form.useForm<WarningRules>();
  const [data, setData] = useState<CountyWarningRules | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    hq.warningRules().then(
      (d) => {
        setData(d);
        form.setFieldsValue(d.rules);
      },
      (e) => setError(toBackendError(e).message),
    );
  }, [form]);

  const save = async () => {
    setSaving(true);
    try {
      const d = await hq.warningRulesSave({ settings: { ...data?.rules, ...form.getFieldsValue() } });
      setData(d);
      form.setFieldsValue(d.rules);
      setError(null);
      message.success("预警规则已保存，各警务室下次同步时生效");
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      title="预警规则"
      extra={
        <Button type="primary" loading={saving} disabled={!data} onClick={() => void save()} data-testid="rules-save">
          保存
        </Button>
      }
    >
      <ErrorLine error={error} />
      <Typography.Paragraph type="secondary">
        各项分值相加得出纠纷的预警等级；保存后随同步下发各警务室。括号中为默认值。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" data-testid="warning-rules">
        <Row gutter={16}>
          {NUMBERS.map(([key, label]) => (
            <Col key={key} xs={24} sm={12} md={8} lg={6}>
              <Form.Item name={key} label={`${label}（${data?.defaults[key] ?? ""}）`}>
                <InputNumber min={0} style={{ width: "100%" }} data-testid={`rule-${key}`} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Form.Item name="threat_words" label="扬言过激词语（警务室可另设本室词语）">
          <Select mode="tags" tokenSeparators={[",", "，", " "]} data-testid="rule-threat_words" />
        </Form.Item>
        <Form.Item name="violent_words" label="暴力警情词语">
          <Select mode="tags" tokenSeparators={[",", "，", " "]} />
        </Form.Item>
      </Form>
    </Card>
  );
}
