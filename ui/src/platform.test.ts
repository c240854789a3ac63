import { describe, expect, it } from "vitest";
import { platformOf } from "./platform";

describe("platformOf", () => {
  it("names each desktop webview's platform from its user agent", () => {
    expect(platformOf("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)")).toBe("linux");
    expect(platformOf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)")).toBe(
      "macos",
    );
    expect(
      platformOf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Edg/131.0"),
    ).toBe("windows");
    expect(platformOf("")).toBe("other");
  });
});
