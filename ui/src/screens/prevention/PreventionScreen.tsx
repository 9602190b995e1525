import { Tabs } from "antd";
import { useSearchParams } from "react-router-dom";
import { TeamsTab } from "./TeamsTab";
import { PatrolsTab } from "./PatrolsTab";
import { LeadsTab } from "./LeadsTab";
import { HazardsTab } from "./HazardsTab";
import { OutreachTab } from "./OutreachTab";
import { FeedbackTab } from "./FeedbackTab";
import { FiveNonesTab } from "./FiveNonesTab";
import { MonthTab } from "./MonthTab";

const TABS = [
  { key: "teams", label: "队伍与志愿者", children: <TeamsTab /> },
  { key: "patrols", label: "巡防", children: <PatrolsTab /> },
  { key: "leads", label: "线索", children: <LeadsTab /> },
  { key: "hazards", label: "隐患", children: <HazardsTab /> },
  { key: "outreach", label: "宣传", children: <OutreachTab /> },
  { key: "feedback", label: "意见", children: <FeedbackTab /> },
  { key: "five_nones", label: "五无", children: <FiveNonesTab /> },
  { key: "month", label: "月报", children: <MonthTab /> },
];

/** 群防群治: each prevention programme on its own tab (the tab is kept in the address). */
export function PreventionScreen() {
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") ?? "teams";
  return <Tabs activeKey={tab} onChange={(k) => setParams({ tab: k }, { replace: true })} items={TABS} destroyOnHidden />;
}
