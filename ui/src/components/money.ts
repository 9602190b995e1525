const YUAN = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount the core keeps in fen, shown in yuan with thousands grouped, e.g. 17773900 →
 * "177,739.00 元". */
export const yuan = (fen: number) => `${YUAN.format(fen / 100)} 元`;
