import { describe, expect, it } from "vitest";
import { limitMax, rateText } from "./limits";

const account = { requestLimit: 1_200, requestLimitPeriod: 60, usageLimit: 1_000_000, usageLimitPeriod: 60 };

describe("workspace limits", () => {
  it("caps a limit at the account's, scaled to the limit's period", () => {
    expect(limitMax(account, "requests", "minute")).toBe(1_200);
    expect(limitMax(account, "requests", "hour")).toBe(72_000);
    expect(limitMax(account, "tokens", "day")).toBe(1_440_000_000);
    expect(limitMax({}, "tokens", "day")).toBeNull();
  });

  it("says each limit with its period, and when there is none", () => {
    const text = rateText({ requestLimit: 2, requestLimitPeriod: 3_600 });
    expect(text).toContain("2");
    expect(text).toContain("per hour");
    expect(text).not.toContain("tokens");
    expect(rateText(null)).toBe("No limit");
  });
});
