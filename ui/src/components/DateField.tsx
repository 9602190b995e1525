import { DatePicker as AntDatePicker } from "antd";
import type { FormEvent } from "react";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import customParseFormat from "dayjs/plugin/customParseFormat";
import dayjsConfig from "rc-picker/es/generate/dayjs";
import { beijingNow } from "./time";

dayjs.extend(customParseFormat);

/** Ant Design's pickers with Beijing's "now": their 今天, 此刻 and the marked day are Beijing's
 * whatever the PC's zone (antd's own take the PC's). */
const DatePicker = AntDatePicker.generatePicker<Dayjs>({ ...dayjsConfig, getNow: beijingNow });

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
 * A date (or date and time) picked from a calendar or typed, held in the form as the text the
 * core reads (`YYYY-MM-DD` or `YYYY-MM-DD HH:mm`), so what is sent is what the officer saw.
 *
 * A typed date counts as soon as it reads as a whole valid date: the picker itself takes typed
 * text only on leaving the field (a frame later) or, with a time, on 确定, so a 保存 clicked
 * or an Enter pressed straight after typing would otherwise send the old value.
 */
export function DateField({ value, onChange, showTime, placeholder, ...rest }: Props) {
  const format = showTime ? "YYYY-MM-DD HH:mm" : "YYYY-MM-DD";
  const parsed = value ? dayjs(value, format) : null;
  const typed = (e: FormEvent<HTMLSpanElement>) => {
    const target = e.target as HTMLInputElement;
    if (target.tagName !== "INPUT") return;
    const text = target.value.trim();
    const held = typedValue(text, format);
    if (held !== undefined && held !== (value ?? null)) onChange?.(held);
  };
  return (
    <span style={{ display: "contents" }} onInput={typed}>
      <DatePicker
        {...rest}
        style={{ width: "100%" }}
        showTime={showTime ? { format: "HH:mm" } : false}
        format={format}
        placeholder={placeholder ?? (showTime ? "选择日期和时间" : "选择日期")}
        value={parsed && parsed.isValid() ? parsed : null}
        onChange={(d) => onChange?.(d ? d.format(format) : null)}
      />
    </span>
  );
}

/**
 * What typed `text` means for the field: the date in `format` when it is a whole valid one,
 * null when the text was cleared, undefined while it is still half typed (nothing changes).
 */
export function typedValue(text: string, format: string): string | null | undefined {
  if (text === "") return null;
  const d = dayjs(text, format, true);
  return d.isValid() ? d.format(format) : undefined;
}

/**
 * The first of `formats` that `text` reads as strictly, or null while it reads as none (half
 * typed): a month or year typed into the pickers below counts at once, as in DateField.
 */
export function typedIn(text: string, formats: string[]): dayjs.Dayjs | null {
  for (const f of formats) {
    const d = dayjs(text.trim(), f, true);
    if (d.isValid()) return d;
  }
  return null;
}

/** Calls `take` with the text of the picker's input on each keystroke. */
const onTyped = (take: (text: string) => void) => (e: FormEvent<HTMLSpanElement>) => {
  const target = e.target as HTMLInputElement;
  if (target.tagName === "INPUT") take(target.value);
};

/** A month, held as `YYYY-MM`; typed as 2026年11月, 2026年1月 or 2026-11. */
export function MonthField({ value, onChange, ...rest }: { value: string; onChange: (v: string) => void; "data-testid"?: string }) {
  const typed = onTyped((text) => {
    const d = typedIn(text, ["YYYY年MM月", "YYYY年M月", "YYYY-MM"]);
    if (d && d.format("YYYY-MM") !== value) onChange(d.format("YYYY-MM"));
  });
  return (
    <span style={{ display: "contents" }} onInput={typed}>
      <DatePicker
        {...rest}
        picker="month"
        allowClear={false}
        format="YYYY年MM月"
        value={dayjs(`${value}-01`)}
        onChange={(d) => d && onChange(d.format("YYYY-MM"))}
      />
    </span>
  );
}

/** A year; typed as 2026年 or 2026. */
export function YearField({ value, onChange, ...rest }: { value: number; onChange: (v: number) => void; "data-testid"?: string }) {
  const typed = onTyped((text) => {
    const d = typedIn(text, ["YYYY年", "YYYY"]);
    if (d && d.year() !== value) onChange(d.year());
  });
  return (
    <span style={{ display: "contents" }} onInput={typed}>
      <DatePicker
        {...rest}
        picker="year"
        allowClear={false}
        format="YYYY年"
        value={dayjs(`${value}-01-01`)}
        onChange={(d) => d && onChange(d.year())}
      />
    </span>
  );
}

export { thisMonth } from "./time";
