import { useEffect, useRef } from "react";
import type { EChartsOption } from "echarts";

/** An ECharts chart that follows its container's size. ECharts is loaded the first time a
 * chart is shown (components/echarts.ts), after the screen around it is already up. */
export function Chart({ option, height = 260 }: { option: EChartsOption; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let cancelled = false;
    import("./echarts").then(({ echarts }) => {
      if (cancelled || !ref.current) return;
      const chart = echarts.init(ref.current);
      chart.setOption(option);
      const observer = new ResizeObserver(() => chart.resize());
      observer.observe(ref.current);
      dispose = () => {
        observer.disconnect();
        chart.dispose();
      };
    });
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, [option]);
  return <div ref={ref} style={{ width: "100%", height }} />;
}
