import { describe, expect, it } from "vitest";
import { csvField } from "@/server/admin/audit/csv-field";

describe("csvField", () => {
  it("leaves plain text alone and writes null as empty", () => {
    expect(csvField("passkey.added")).toBe("passkey.added");
    expect(csvField(null)).toBe("");
  });

  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("puts an apostrophe before anything a spreadsheet would run as a formula", () => {
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=1")).toBe("'\t=1");
    expect(csvField('=HYPERLINK("x",1)')).toBe(`"'=HYPERLINK(""x"",1)"`);
  });
});
