"use client";

import { useState } from "react";
import { useHydrated } from "./use-hydrated";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// The server knows neither the reader's locale nor their time zone: it renders the UTC date, and
// the browser's own Intl formats take over once hydrated (the same first render on both sides).
const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** A day, the same on the server and in every browser, e.g. "5 Dec 2026" ("Added 5 Dec 2026"). */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** The date and time in the reader's locale and time zone, e.g. "5 Dec 2026, 14:05". */
export function exactTime(date: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** "just now", "5 minutes ago", "2 hours ago", "yesterday": within a week; null when older. */
export function relativeTime(date: Date, now: number, locale?: string): string | null {
  const ago = now - date.getTime();
  if (ago < -MINUTE || ago >= 7 * DAY) return null;
  if (ago < MINUTE) return "just now";
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (ago < HOUR) return format.format(-Math.floor(ago / MINUTE), "minute");
  if (ago < DAY) return format.format(-Math.floor(ago / HOUR), "hour");
  return format.format(-Math.floor(ago / DAY), "day");
}

interface Props {
  iso: string;
  /** Recent times as "2 hours ago", the exact time on hover and keyboard focus. */
  relative?: boolean;
}

/** A point in time for people: their locale and time zone, relative when recent. */
export function LocalTime({ iso, relative = false }: Props) {
  const hydrated = useHydrated();
  // The moment the page came alive: "2 hours ago" is as of then, like the rest of the page.
  const [now] = useState(() => Date.now());
  const date = new Date(iso);
  if (!hydrated) return <time dateTime={iso}>{formatDate(iso)}</time>;
  const exact = exactTime(date);
  const recent = relative ? relativeTime(date, now) : null;
  if (!recent) return <time dateTime={iso}>{exact}</time>;
  return (
    <time dateTime={iso} title={exact} data-exact={exact} tabIndex={0} className="local-time">
      {recent}
    </time>
  );
}

const serverTimeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/** A deadline: the time alone when it falls today for the reader, else date and time ("valid until 14:05"). */
export function deadlineTime(date: Date, now: Date, locale?: string): string {
  const sameDay = date.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(locale, sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** A deadline in the reader's locale and time zone (UTC, marked so, until hydrated). */
export function DeadlineTime({ iso }: { iso: string }) {
  const hydrated = useHydrated();
  const [now] = useState(() => Date.now());
  const date = new Date(iso);
  const text = hydrated ? deadlineTime(date, new Date(now)) : `${serverTimeFormat.format(date)} UTC`;
  return (
    <time dateTime={iso} title={hydrated ? exactTime(date) : undefined}>
      {text}
    </time>
  );
}
