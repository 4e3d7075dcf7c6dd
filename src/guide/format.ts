// Numbers as the guide's sentences print them: "46 %", "0.37 %", "12 000", "2.5 ms", "900 s", "∞".
// Three significant figures at most, so a value next to its threshold ("79.6 %" vs "80 %") stays distinct.

/** Trims a fixed-point string's trailing zeros ("1.50" → "1.5", "2.00" → "2"). */
function trim(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Digits grouped in thousands by spaces: 12000 → "12 000" (the spec’s style). */
export function int(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : 'n/a';
  const sign = x < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(x))).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A plain number with up to three significant figures (integers ≥ 1000 grouped). */
export function num(x: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const a = Math.abs(x);
  if (a >= 1000) return int(x);
  if (a === 0) return '0';
  if (a >= 100) return trim(x.toFixed(0));
  if (a >= 10) return trim(x.toFixed(1));
  if (a >= 1) return trim(x.toFixed(2));
  return trim(x.toPrecision(2));
}

/** A share (0..1) as a percentage: "46 %", "79.6 %", "0.37 %", never "100 %" for less than all. */
export function pct(share: number): string {
  if (Number.isNaN(share)) return 'n/a';
  const v = share * 100;
  if (v === 0) return '0 %';
  if (v >= 100) return '100 %';
  if (v > 99.9) return '> 99.9 %';
  if (v < 0.001) return '< 0.001 %';
  if (v < 1) return `${trim(v.toPrecision(2))} %`;
  return `${trim(v.toFixed(1))} %`;
}

/** A duration in seconds with a readable unit: "250 µs", "2.5 ms", "1 s", "900 s", "2.5 h". */
export function dur(seconds: number): string {
  if (!Number.isFinite(seconds)) return seconds > 0 ? '∞' : 'n/a';
  const a = Math.abs(seconds);
  if (a === 0) return '0 s';
  if (a < 1e-3) return `${num(seconds * 1e6)} µs`;
  if (a < 1) return `${num(seconds * 1e3)} ms`;
  if (a < 3600) return `${num(seconds)} s`;
  return `${num(seconds / 3600)} h`;
}

/** Milliseconds as measured latencies are reported. */
export function ms(milliseconds: number): string {
  return `${num(milliseconds)} ms`;
}

/** "a", "a and b", "a, b and c". */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A number for a JSON detail: finite values as they are, infinities and NaN as null (JSON has neither). */
export function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** "G2 fired: …" / "G2 did not fire: …". */
export function verdict(id: string, fired: boolean, text: string): string {
  return `${id} ${fired ? 'fired' : 'did not fire'}: ${text}`;
}

/** "1 Service port", "12 000 Service ports". */
export function count(n: number, noun: string): string {
  return `${int(n)} ${noun}${n === 1 ? '' : 's'}`;
}
