// The event log: every callback the guard makes, every call the demo makes on
// it, and the demo's own notes, newest first, in the "Event log" card. A
// line may get more text later (a keep-alive's answer from the server).

import { clock, clockMs } from "./format.js";

const LOG_LIMIT = 200;
const list = document.getElementById("log");

/** A callback's argument in one line: its fields, times as clock times. */
export function describe(value) {
  if (value instanceof Error) return value.message;
  if (value === undefined) return "";
  if (value === null || typeof value !== "object") return String(value);
  const parts = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "number" && /(^at$|^now$|At$|^lastActivity$)/.test(key) && v > 1e12) {
      parts.push(`${key}: ${clockMs(v)}`);
    } else if (v instanceof Error) {
      parts.push(`${key}: ${v.message}`);
    } else if (typeof v === "function") {
      continue;
    } else {
      parts.push(`${key}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
  }
  return parts.length ? parts.join(" · ") : String(value);
}

/**
 * Adds a line. kind: "callback" (something the guard called), "call"
 * (something the demo called on the guard) or "note" (what the demo did by
 * itself). `gen` is the guard the line belongs to; `stale` marks a callback
 * of a guard the demo has replaced. Returns the line's element.
 */
export function log(kind, name, detail = "", { gen = 0, stale = false } = {}) {
  const now = Date.now();
  const top = list.firstElementChild;
  // onActivity fires up to once a second while someone moves the mouse:
  // fold a run of them into one line with a count.
  if (
    name === "onActivity" &&
    top &&
    top.dataset.event === "onActivity" &&
    top.dataset.gen === String(gen) &&
    !stale
  ) {
    const count = Number(top.dataset.count) + 1;
    top.dataset.count = String(count);
    top.querySelector("time").textContent = clock(now);
    top.querySelector("time").dateTime = new Date(now).toISOString();
    top.querySelector(".log-count").textContent = `×${count}`;
    top.querySelector(".log-detail").textContent = detail;
    return top;
  }

  const li = document.createElement("li");
  li.className = `log-item log-${kind}`;
  if (kind === "callback") li.dataset.event = name;
  else li.dataset.call = name;
  li.dataset.gen = String(gen);
  li.dataset.count = "1";

  const time = document.createElement("time");
  time.dateTime = new Date(now).toISOString();
  time.textContent = clock(now);

  const label = document.createElement(kind === "note" ? "span" : "code");
  label.className = "log-name";
  label.textContent = kind === "call" ? `guard.${name}` : name;

  const count = document.createElement("span");
  count.className = "log-count";

  const text = document.createElement("span");
  text.className = "log-detail";
  text.textContent = stale ? `${detail} (from a replaced guard)` : detail;

  li.append(time, " ", label, " ", count, " ", text);
  list.prepend(li);
  while (list.children.length > LOG_LIMIT) list.lastElementChild.remove();
  return li;
}

/**
 * Adds (or replaces) a second part of a line, such as the server's answer to
 * a keep-alive; `state` goes to the line's data-answer ("answer", "expired", ...).
 */
export function annotate(line, state, text) {
  let more = line.querySelector(".log-answer");
  if (!more) {
    more = document.createElement("span");
    more.className = "log-answer";
    line.append(more);
  }
  line.dataset.answer = state;
  more.textContent = text;
}

export function clearLog() {
  list.replaceChildren();
}
