// Formatting: times of day, countdowns and durations as the demo writes them.
// Pure functions of a number; no DOM, no session.

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** 14:03:22 (24-hour, local time) */
export function clock(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** 14:03:22.123 */
export function clockMs(ms) {
  return `${clock(ms)}.${pad(new Date(ms).getMilliseconds(), 3)}`;
}

/** mm:ss countdown (h:mm:ss past an hour, "Nd hh:mm:ss" past a day), rounded up. */
export function countdown(ms) {
  if (!Number.isFinite(ms)) return "--:--";
  let s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d ${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${pad(m)}:${pad(s)}`;
}

/** A duration in words: "20 s", "1.5 s", "2 min 30 s", "30 days". */
export function duration(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  const units = [
    [86_400_000, "day", "days"],
    [3_600_000, "h", "h"],
    [60_000, "min", "min"],
  ];
  const parts = [];
  let rest = ms;
  for (const [size, one, many] of units) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      parts.push(`${n} ${n === 1 ? one : many}`);
    }
  }
  if (rest > 0 || parts.length === 0) {
    const s = Math.round(rest) / 1000;
    parts.push(`${s} s`);
  }
  return parts.slice(0, 2).join(" ");
}

/** An ISO timestamp for a <time datetime>. */
export function iso(ms) {
  return new Date(ms).toISOString();
}
