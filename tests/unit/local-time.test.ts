// How the portal words a point in time for the reader: relative within a week, exact otherwise,
// in their locale (Intl), never a raw ISO string.
import { describe, expect, it } from "vitest";
import { deadlineTime, exactTime, relativeTime } from "@/components/local-time";

const NOW = Date.parse("2026-12-06T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms);
const MINUTE = 60_000;

describe("relativeTime", () => {
  it.each([
    [10_000, "just now"],
    [MINUTE, "1 minute ago"],
    [59 * MINUTE, "59 minutes ago"],
    [2 * 60 * MINUTE, "2 hours ago"],
    [23 * 60 * MINUTE + 59 * MINUTE, "23 hours ago"],
    [24 * 60 * MINUTE, "yesterday"],
    [3 * 24 * 60 * MINUTE, "3 days ago"],
  ])("%i ms ago is %s in English", (ms, expected) => {
    expect(relativeTime(ago(ms), NOW, "en")).toBe(expected);
  });

  it("leaves a week or more, and times well in the future (a skewed clock), to the exact date", () => {
    expect(relativeTime(ago(7 * 24 * 60 * MINUTE), NOW, "en")).toBeNull();
    expect(relativeTime(ago(-5 * MINUTE), NOW, "en")).toBeNull();
  });

  it("speaks the reader's language", () => {
    expect(relativeTime(ago(2 * 60 * MINUTE), NOW, "de")).toBe("vor 2 Stunden");
    expect(relativeTime(ago(24 * 60 * MINUTE), NOW, "fr")).toBe("hier");
  });
});

describe("exactTime", () => {
  it("gives date and time in the locale's own order", () => {
    const date = new Date(NOW);
    const en = exactTime(date, "en-GB");
    expect(en).toMatch(/6 Dec 2026, \d{2}:\d{2}/);
    expect(exactTime(date, "de")).toMatch(/06\.12\.2026, \d{2}:\d{2}/);
  });
});

describe("deadlineTime", () => {
  it("gives the time alone for today, date and time for another day", () => {
    const now = new Date(NOW);
    const later = new Date(NOW + 2 * 60 * MINUTE);
    expect(deadlineTime(later, now, "en-GB")).toMatch(/^\d{2}:\d{2}$/);
    const tomorrow = new Date(NOW + 24 * 60 * MINUTE);
    expect(deadlineTime(tomorrow, now, "en-GB")).toMatch(/^7 Dec 2026, \d{2}:\d{2}$/);
  });
});
