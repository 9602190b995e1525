import { DatePicker } from "antd";
import dayjs from "dayjs";

type Props = {
  value?: string | null;
  onChange?: (v: string | null) => void;
  /** With a time of day: the value reads `2026-11-23 19:30` (Beijing time). */
  showTime?: boolean;
  placeholder?: string;
  disabled?: boolean;
  id?: string;
  "data-testid"?: string;
};

/**
 * A date (or date and time) picked from a calendar, held in the form as the text the core
 * reads (`YYYY-MM-DD` or `YYYY-MM-DD HH:mm`), so what is sent is what the officer saw.
 */
export function DateField({ value, onChange, showTime, placeholder, ...rest }: Props) {
  const format = showTime ? "YYYY-MM-DD HH:mm" : "YYYY-MM-DD";
  const parsed = value ? dayjs(value, format) : null;
  return (
    <DatePicker
      {...rest}
      style={{ width: "100%" }}
      showTime={showTime ? { format: "HH:mm" } : false}
      format={format}
      placeholder={placeholder ?? (showTime ? "选择日期和时间" : "选择日期")}
      value={parsed && parsed.isValid() ? parsed : null}
      onChange={(d) => onChange?.(d ? d.format(format) : null)}
    />
  );
}

/** A month, held as `YYYY-MM`. */
export function MonthField({ value, onChange, ...rest }: { value: string; onChange: (v: string) => void; "data-testid"?: string }) {
  return (
    <DatePicker
      {...rest}
      picker="month"
      allowClear={false}
      format="YYYY年MM月"
      value={dayjs(`${value}-01`)}
      onChange={(d) => d && onChange(d.format("YYYY-MM"))}
    />
  );
}

/** A year. */
export function YearField({ value, onChange, ...rest }: { value: number; onChange: (v: number) => void; "data-testid"?: string }) {
  return (
    <DatePicker
      {...rest}
      picker="year"
      allowClear={false}
      format="YYYY年"
      value={dayjs(`${value}-01-01`)}
      onChange={(d) => d && onChange(d.year())}
    />
  );
}

export const thisMonth = () => dayjs().format("YYYY-MM");
