import { Descriptions } from "antd";
import type { AwardMonth } from "../../backend";
import { yuan } from "../../components/money";

/** The month's awards beside the 网格红包, as in the 月报: both kinds, and what both paid. */
export function AwardMonthFigures({ m }: { m: AwardMonth }) {
  const kind = (f: AwardMonth["valor"]) => `提名 ${f.nominated} 人，批准 ${f.approved} 人，发放 ${f.paid} 人 ${yuan(f.paid_fen)}`;
  return (
    <Descriptions size="small" column={1} bordered title="表彰奖励" data-testid="award-month" styles={{ label: { whiteSpace: "nowrap" } }}>
      <Descriptions.Item label="见义勇为">{kind(m.valor)}</Descriptions.Item>
      <Descriptions.Item label="好人">{kind(m.good_person)}</Descriptions.Item>
      <Descriptions.Item label="隐患奖励（网格红包）">{yuan(m.grid_rewards_fen)}</Descriptions.Item>
      <Descriptions.Item label="合计发放">{yuan(m.all_paid_fen)}</Descriptions.Item>
    </Descriptions>
  );
}
