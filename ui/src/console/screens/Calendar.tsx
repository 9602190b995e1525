import { useMemo } from "react";
import { Card, Typography } from "antd";
import { WorkCalendar } from "../../screens/settings/WorkCalendar";
import { hq } from "../api";
import { isAdmin, useSession } from "../role";

/**
 * 工作日历: the county's 放假 and 调休上班 days, by year, which every post receives with its
 * next sync and counts 治安调解 deadlines by. Every county role reads it; the county admin
 * enters a year from the State Council's notice (the core refuses anyone else, audited).
 */
export function CalendarScreen() {
  const session = useSession();
  const mayEdit = isAdmin(session);
  const calls = useMemo(() => ({ load: hq.calendar, save: hq.calendarSave, mayEdit }), [mayEdit]);
  return (
    <Card title="工作日历" data-testid="hq-calendar">
      <Typography.Paragraph type="secondary">
        各警务室按此计算治安调解期限；录入或修改后，各警务室下次同步时生效。
      </Typography.Paragraph>
      <WorkCalendar calls={calls} />
    </Card>
  );
}
