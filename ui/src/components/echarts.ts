// The parts of ECharts the app draws with (bar and line charts on a grid, with tooltip and
// legend, on canvas), registered once. Importing "echarts" itself would bring every chart
// type and component (about 1 MB of JavaScript); this module is loaded on first use by
// Chart, so the first screen does not wait for it.
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
