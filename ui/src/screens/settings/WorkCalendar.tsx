import { useEffect, useState } from "react";
import { Alert, Button, InputNumber, Space, Table, Tag, Typography, Input } from "antd";
import { backend, toBackendError } from "../../backend";
import type { CalendarSave, YearCalendar } from "../../backend";
import { beijingNow } from "../../components/time";

const WEEKDAYS = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
const weekday = (day: string) => WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()];

/** Where a year is read and saved: the post's own methods, or HQ's (`hq.calendar`). */
export type CalendarCalls = {
  load: (year: number) => Promise<YearCalendar>;
  save: (p: CalendarSave) => Promise<YearCalendar>;
  /** Whether to offer the form when the core says the year is editable here (a county
   * login other than the admin only reads). */
  mayEdit: boolean;
};

const POST_CALLS: CalendarCalls = { load: (y) => backend.calendar.year(y), save: (p) => backend.calendar.save(p), mayEdit: true };

/** 设置 → 工作日历 (and the county console's 工作日历): a year's 放假 and 调休上班 days, which
 * 治安调解 deadlines count by. An enrolled post receives the county's calendar and only
 * reads it; HQ's county admin, or a post working alone (not enrolled), enters a year from
 * the State Council's notice, pasted a holiday a line. The core decides who may. */
export function WorkCalendar({ calls = POST_CALLS }: { calls?: CalendarCalls }) {
  const [year, setYear] = useState(beijingNow().year());
  const [cal, setCal] = useState<YearCalendar | null>(null);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    setError(null);
    calls.load(year).then(setCal, (e) => setError(toBackendError(e).message));
  }, [year, calls]);
  const save = async () => {
    setSaving(true);
    try {
      setCal(await calls.save({ year, text, days: null }));
      setText("");
      setError(null);
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Space direction="vertical" style={{ maxWidth: 760, width: "100%" }} data-testid="work-calendar">
      <Space>
        年份
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} data-testid="work-calendar-year" />
        {cal && cal.years.length > 0 && <Typography.Text type="secondary">已录入：{cal.years.join("、")} 年</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon message={error} data-testid="work-calendar-error" />}
      {cal?.notice && <Alert type="warning" showIcon message={cal.notice} data-testid="work-calendar-notice" />}
      {cal && (
        <Table
          size="small"
          rowKey="day"
          pagination={false}
          dataSource={cal.days}
          columns={[
            { title: "日期", dataIndex: "day" },
            { title: "星期", render: (_, d) => weekday(d.day) },
            { title: "", render: (_, d) => (d.kind === "holiday" ? <Tag color="red">放假</Tag> : <Tag color="blue">上班</Tag>) },
            { title: "节日", dataIndex: "name" },
          ]}
        />
      )}
      {cal && !cal.editable && (
        <Typography.Paragraph type="secondary" data-testid="work-calendar-county">
          本警务室已在县局登记：工作日历由县局统一录入，随同步下发。
        </Typography.Paragraph>
      )}
      {cal?.editable && calls.mayEdit && (
        <>
          <Typography.Paragraph type="secondary">
            照抄国务院办公厅关于 {year} 年部分节假日安排的通知，每个节日一行，例如“春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。”保存后替换该年原有的日期。
          </Typography.Paragraph>
          <Input.TextArea rows={7} value={text} onChange={(e) => setText(e.target.value)} data-testid="work-calendar-text" />
          <Button type="primary" loading={saving} disabled={!text.trim()} onClick={() => void save()} data-testid="work-calendar-save">
            保存 {year} 年工作日历
          </Button>
        </>
      )}
    </Space>
  );
}
