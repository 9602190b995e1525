import { useCallback, useState } from "react";
import { Alert, App, Button, Card, Empty, Space, Table, Tag, Typography } from "antd";
import { CheckOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { DayPlan, PlanItem } from "../../backend";
import { PlanItemKindLabel } from "../../backend/types";
import { PrintButton } from "../../components/FileActions";
import { useLoad } from "../../components/useLoad";

/** Where an item opens: its dispute, the errands, the prevention tab, the care plan. */
export function itemLink(i: PlanItem): string {
  switch (i.kind) {
    case "care_visit":
      return `/care/${i.record_id}`;
    case "follow_up":
    case "fulfilment":
    case "warning":
      return `/disputes/${i.dispute_id ?? i.record_id}`;
    case "errand":
      return "/errands";
    case "hazard":
      return "/prevention?tab=hazards";
    case "patrol":
      return "/prevention?tab=patrols";
  }
}

const KIND_COLOR: Record<PlanItem["kind"], string> = {
  care_visit: "green",
  follow_up: "blue",
  fulfilment: "geekblue",
  errand: "purple",
  hazard: "gold",
  patrol: "cyan",
  warning: "red",
};

function when(i: PlanItem) {
  if (i.days_late > 0) return <Tag color="red">逾期 {i.days_late} 天</Tag>;
  if (i.kind === "warning") return null;
  if (i.due_on) return <Tag color="orange">{i.kind === "patrol" ? "今天" : `${i.due_on.slice(5)} 到期`}</Tag>;
  return null;
}

/**
 * 今日工作 on 首页: the core's list of what to do today, village by village and 组 by 组 in
 * walking order. Each item opens its record in one click; a care visit due is recorded from
 * here in one click (today, the paired officer, 情况正常) and leaves the list. 打印路线单
 * writes the route sheet through the save dialog like the other documents.
 */
export function DayPlanCard() {
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { data: plan, error, reload } = useLoad(useCallback(() => backend.dayPlan.get(), []), null as DayPlan | null);
  const [visiting, setVisiting] = useState<string | null>(null);

  const visit = async (i: PlanItem) => {
    setVisiting(i.record_id);
    try {
      const v = await backend.care.visit({ id: i.record_id });
      message.success(`已登记走访：${i.subject}（${v.visited_on}）`);
      reload();
    } catch (e) {
      message.error(toBackendError(e).message);
    } finally {
      setVisiting(null);
    }
  };

  const counts = plan?.counts.map((c) => `${PlanItemKindLabel[c.kind]} ${c.count}`).join(" · ");
  return (
    <Card
      size="small"
      data-testid="day-plan"
      title={
        <Space>
          <span>今日工作{plan ? `（${plan.total} 项）` : ""}</span>
          {counts && <Typography.Text type="secondary" style={{ fontWeight: "normal" }}>{counts}</Typography.Text>}
        </Space>
      }
      extra={
        <PrintButton
          what="今日工作路线单"
          size="small"
          suggested={`今日工作路线单-${plan?.date ?? ""}.pdf`}
          write={(path) => backend.dayPlan.pdf(path)}
          disabled={!plan || plan.total === 0}
          data-testid="day-plan-print"
        />
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {plan && plan.total === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="今天没有到期的工作" />
      ) : (
        (plan?.villages ?? []).map((v) => (
          <div key={v.name ?? "none"} data-testid="day-plan-village" style={{ marginBottom: 8 }}>
            <Typography.Text strong>{v.name ?? "不限村（社区）"}</Typography.Text>
            {v.groups.map((g) => (
              <Table<PlanItem>
                key={g.name ?? "none"}
                size="small"
                pagination={false}
                showHeader={false}
                rowKey={(i) => `${i.kind}-${i.record_id}`}
                dataSource={g.items}
                onRow={() => ({ "data-testid": "day-plan-item" }) as never}
                columns={[
                  { key: "group", width: 70, render: () => <Typography.Text type="secondary">{g.name ?? ""}</Typography.Text> },
                  { key: "kind", width: 92, render: (_, i) => <Tag color={KIND_COLOR[i.kind]}>{PlanItemKindLabel[i.kind]}</Tag> },
                  {
                    key: "subject",
                    render: (_, i) => (
                      <Space direction="vertical" size={0}>
                        <Typography.Link onClick={() => navigate(itemLink(i))}>{i.subject}</Typography.Link>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {i.place.address && i.place.address !== i.subject ? `${i.place.address}　` : ""}
                          {i.detail}
                        </Typography.Text>
                      </Space>
                    ),
                  },
                  { key: "when", width: 110, render: (_, i) => when(i) },
                  {
                    key: "do",
                    width: 110,
                    render: (_, i) =>
                      i.one_click && i.kind === "care_visit" ? (
                        <Button
                          size="small"
                          type="primary"
                          icon={<CheckOutlined />}
                          loading={visiting === i.record_id}
                          onClick={() => void visit(i)}
                          data-testid="day-plan-visit"
                        >
                          已走访
                        </Button>
                      ) : (
                        <Button size="small" onClick={() => navigate(itemLink(i))} data-testid="day-plan-open">
                          打开
                        </Button>
                      ),
                  },
                ]}
              />
            ))}
          </div>
        ))
      )}
    </Card>
  );
}
