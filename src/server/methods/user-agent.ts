import "server-only";
import Bowser from "bowser";
import { stripUnsafeText, truncateText } from "@/contracts/text";

export interface CreatedOn {
  browser: string | null;
  os: string | null;
  /** A device model when the user agent names one ("iPhone", "Pixel 7"), else null. */
  device: string | null;
}

/** Where a passkey was created, from the registering browser's user agent. */
export function parseCreatedOn(userAgent: string | null | undefined): CreatedOn {
  if (!userAgent) return { browser: null, os: null, device: null };
  const parsed = Bowser.parse(userAgent.slice(0, 512));
  // A user agent is whatever the client sent (Node reads header bytes 0x80-0xFF as C1 controls
  // and Latin-1 letters): nothing of it reaches a name or the page with control or bidi characters.
  const clean = (value: string | undefined) => {
    const text = value === undefined ? "" : truncateText(stripUnsafeText(value).trim(), 64).trim();
    return text === "" ? null : text;
  };
  // Bowser names Apple models; Android models sit after the version ("Android 14; Pixel 7").
  const model = clean(parsed.platform.model) ?? clean(/Android [\d.]+; ([^;)]+)\)/.exec(userAgent)?.[1]);
  return {
    browser: clean(parsed.browser.name),
    os: clean(parsed.os.name),
    // Android user agents often carry a model code ("K" in reduced UAs): only real names help.
    device: model && [...model].length > 1 ? model : null,
  };
}
