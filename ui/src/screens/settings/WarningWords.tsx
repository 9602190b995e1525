import { useEffect, useState } from "react";
import { Alert, Button, Descriptions, Select, Space, Typography } from "antd";
import { backend, toBackendError } from "../../backend";
import type { WarningSettings } from "../../backend";

/** 设置 → 风险预警: the threat words this post looks for (the station admin's own list, or
 * the county's), and the county's thresholds for reading. The core refuses other users. */
export function WarningWords() {
  const [s, setS] = useState<WarningSettings | null>(null);
  const [words, setWords] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const shown = (v: WarningSettings) => {
    setS(v);
    setWords(v.words);
    setError(null);
  };
  useEffect(() => {
    backend.warning.settings().then(shown, (e) => setError(toBackendError(e).message));
  }, []);
  const save = async (list: string[] | null) => {
    setSaving(true);
    try {
      shown(await backend.warning.saveWords(list));
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setSaving(false);
    }
  };
  if (!s) return error ? <Alert type="error" showIcon message={error} /> : null;
  const r = s.rules;
  return (
    <Space direction="vertical" style={{ maxWidth: 760, width: "100%" }} data-testid="warning-words">
      <Typography.Paragraph type="secondary">
        纠纷主要事实、调解记录和回访记录中出现这些词语时，纠纷计入“扬言过激”预警。
        {s.own_words ? "现用本警务室的词语。" : "现用县局统一的词语。"}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} />}
      <Select mode="tags" open={false} value={words} onChange={setWords} style={{ width: "100%" }} data-testid="warning-words-input" />
      <Space>
        <Button type="primary" loading={saving} onClick={() => void save(words)} data-testid="warning-words-save">
          保存预警词语
        </Button>
        {s.own_words && (
          <Button loading={saving} onClick={() => void save(null)}>
            恢复县局词语
          </Button>
        )}
      </Space>
      <Descriptions size="small" column={2} bordered title="县局预警规则（由县局统一设置）">
        <Descriptions.Item label="红色预警">{r.red_at} 分及以上</Descriptions.Item>
        <Descriptions.Item label="橙色 / 黄色">
          {r.orange_at} 分 / {r.yellow_at} 分及以上
        </Descriptions.Item>
        <Descriptions.Item label="当事人重复涉纠纷">
          {r.repeat_party_days} 天内，每件 {r.repeat_party_points} 分
        </Descriptions.Item>
        <Descriptions.Item label="关联警情">
          受理前 {r.incident_days} 天起，每起 {r.incident_points} 分，暴力警情 {r.violent_incident_points} 分
        </Descriptions.Item>
        <Descriptions.Item label="协议逾期 / 回访未落实">
          {r.fulfilment_overdue_points} 分 / {r.not_held_points} 分
        </Descriptions.Item>
        <Descriptions.Item label="调解期限（简单/一般/重大疑难）">
          {r.expected_days_simple} / {r.expected_days_general} / {r.expected_days_major} 天
        </Descriptions.Item>
        <Descriptions.Item label="扬言过激">每个词语 {r.threat_points} 分</Descriptions.Item>
        <Descriptions.Item label="重复警情">前后 {r.repeat_incident_days} 天</Descriptions.Item>
      </Descriptions>
    </Space>
  );
}
