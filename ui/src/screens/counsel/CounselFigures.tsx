import { Descriptions } from "antd";
import type { CounselMonth } from "../../backend";

/** The month's 法律顾问 figures (`stats.month`'s `counsel`): sittings, hours, consultations,
 * people served, the disputes a lawyer took part in, their agreements and rebounds, and the
 * rounds held by video. */
export function CounselFigures({ c }: { c: CounselMonth }) {
  return (
    <Descriptions size="small" bordered column={4} title="法律顾问" style={{ marginTop: 16 }} data-testid="counsel-figures">
      <Descriptions.Item label="律师坐班">
        {c.sittings} 次，{Number(c.hours.toFixed(1))} 小时
      </Descriptions.Item>
      <Descriptions.Item label="咨询、接待">
        咨询 {c.consultations} 次，接待 {c.people_served} 人次
      </Descriptions.Item>
      <Descriptions.Item label="律师参与调解">
        {c.disputes} 件，达成协议 {c.agreed} 件，反弹 {c.rebounded} 件
      </Descriptions.Item>
      <Descriptions.Item label="视频联调">{c.video_rounds} 次</Descriptions.Item>
    </Descriptions>
  );
}
