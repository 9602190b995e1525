import { useEffect, useState } from "react";
import { Alert } from "antd";
import { backend } from "../../backend";
import type { CalendarNotice } from "../../backend";

/** 首页's warning that a deadline counts through a year whose 放假 and 调休 days were not
 * entered (the core then counts Monday to Friday), e.g. “2027 年节假日安排尚未录入，期限按周一至周五计算”. */
export function CalendarWarning() {
  const [n, setN] = useState<CalendarNotice | null>(null);
  useEffect(() => {
    // The home screen shows its own load errors; this warning only adds to it.
    backend.calendar.notice().then(setN, () => setN(null));
  }, []);
  if (!n?.notice) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      message={n.notice}
      description="县局录入该年的节假日安排并同步后，期限自动按工作日历重算；未在县局登记的警务室可在“设置 → 工作日历”中自行录入。"
      data-testid="calendar-warning"
    />
  );
}
