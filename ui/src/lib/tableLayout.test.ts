// How the key table shares its width: which columns show at which table
// width, that the description never gets less than its minimum while anything
// optional shows, and how a badge set collapses to its most important badge
// and "+N" (issue 27).
import { describe, expect, it } from "vitest";
import {
  BADGE_RANK,
  COMPACT_BELOW_REM,
  UNMEASURED,
  badgeKind,
  badgeRank,
  collapsedWidth,
  fitBadges,
  fullWidth,
  narrowestWidth,
  planColumns,
  regionTag,
  type Needs,
} from "./tableLayout";

const REM = 15;
// About what the ruler measures in English at the default font (px, no padding).
const NEEDS: Needs = {
  description: 128,
  key: 91,
  statusMin: 70,
  statusCollapsed: 150,
  statusFull: 228,
  amount: 106,
  spark: 61,
  actions: 80,
  region: 60,
  date: 74,
  creator: 140,
};

const total = (widths: Partial<Record<string, number>>) => Object.values(widths).reduce<number>((a, b) => a + (b ?? 0), 0);
const shown = (p: ReturnType<typeof planColumns>) =>
  (["workspace", "permission", "created"] as const).filter((c) => p[c]).join(",");

describe("the columns by width", () => {
  it("shows everything at the stylesheet's widths until the table is measured", () => {
    expect(planColumns(0, NEEDS, REM, false)).toBe(UNMEASURED);
    expect(planColumns(1000, null, REM, false)).toBe(UNMEASURED);
    expect(planColumns(1000, { ...NEEDS, key: 0 }, REM, false)).toBe(UNMEASURED);
    expect(UNMEASURED).toMatchObject({ workspace: true, permission: true, created: true, measured: false });
  });

  it("shows every column on a wide table, the sparkline beside the amount and the creator beside the date", () => {
    const p = planColumns(1600, NEEDS, REM, false);
    expect(shown(p)).toBe("workspace,permission,created");
    expect(p).toMatchObject({ measured: true, compact: false, spark: true, creator: true });
  });

  it("hides the created date first, then the permission, then the workspace, as the table narrows", () => {
    const seen: string[] = [];
    for (let w = 1600; w >= 640; w -= 10) {
      const s = shown(planColumns(w, NEEDS, REM, false));
      if (seen[seen.length - 1] !== s) seen.push(s);
    }
    expect(seen).toEqual(["workspace,permission,created", "workspace,permission", "workspace", ""]);
  });

  it("never gives the description less than its minimum, down to the required columns", () => {
    for (let w = 640; w <= 1600; w += 7) {
      for (const showRegion of [false, true]) {
        const p = planColumns(w, NEEDS, REM, showRegion);
        const description = w - total(p.widths);
        expect(description, `${w} px`).toBeGreaterThanOrEqual(NEEDS.description + 2 * p.pad);
      }
    }
  });

  it("keeps the required columns at the minimum window (a table of about 680 px), with the region in all regions", () => {
    const p = planColumns(680, NEEDS, REM, true);
    expect(Object.keys(p.widths).sort()).toEqual(["actions", "cost", "key", "region", "status"]);
    expect(p.compact).toBe(true);
    expect(p.spark).toBe(false);
    // Each at least what its content needs: nothing that must not be cut is.
    expect(p.widths.key! - 2 * p.pad).toBeGreaterThanOrEqual(NEEDS.key);
    expect(p.widths.cost! - 2 * p.pad).toBeGreaterThanOrEqual(NEEDS.amount);
    expect(p.widths.region! - 2 * p.pad).toBeGreaterThanOrEqual(NEEDS.region);
    expect(p.statusRoom).toBeGreaterThanOrEqual(NEEDS.statusMin);
  });

  it("pads the cells less below the compact width", () => {
    expect(planColumns(COMPACT_BELOW_REM * REM - 1, NEEDS, REM, false).compact).toBe(true);
    expect(planColumns(COMPACT_BELOW_REM * REM, NEEDS, REM, false).compact).toBe(false);
  });

  it("gives the status its collapsed sets before the description grows, and the whole sets before the lower columns", () => {
    // Just room for the required columns, the collapsed sets and the description's minimum.
    const tight = planColumns(700, NEEDS, REM, false);
    expect(tight.statusRoom).toBeGreaterThanOrEqual(NEEDS.statusCollapsed);
    expect(tight.statusRoom).toBeLessThan(NEEDS.statusFull);
    const roomy = planColumns(1100, NEEDS, REM, false);
    expect(roomy.statusRoom).toBeGreaterThanOrEqual(NEEDS.statusFull);
    expect(roomy.workspace).toBe(true);
  });

  it("shows the creator only with the date, and only when the longest one fits", () => {
    const p = planColumns(1600, { ...NEEDS, creator: 0 }, REM, false);
    expect(p.created).toBe(true);
    expect(p.creator).toBe(false);
    expect(planColumns(1000, NEEDS, REM, false).creator).toBe(false);
  });
});

describe("a badge set that does not fit", () => {
  // State 40 px, badges 50, 30, 70 px (saved, idle, review due), "+N" 20 px, 4 px apart.
  const widths = [50, 30, 70];
  const ranks = [4, 3, 0];

  it("shows every badge when they fit", () => {
    expect(fitBadges(40, widths, ranks, 20, 4, 210)).toEqual({ shown: [true, true, true], more: 0 });
    expect(fullWidth(40, widths, 4)).toBe(40 + 4 + 50 + 4 + 30 + 4 + 70);
  });

  it("keeps the most important badge and counts the others in '+N'", () => {
    expect(fitBadges(40, widths, ranks, 20, 4, 160)).toEqual({ shown: [false, false, true], more: 2 });
    expect(collapsedWidth(40, widths, ranks, 20, 4)).toBe(40 + 4 + 70 + 4 + 20);
  });

  it("is '+N' alone when even the most important badge does not fit", () => {
    expect(fitBadges(40, widths, ranks, 20, 4, 100)).toEqual({ shown: [false, false, false], more: 3 });
    expect(narrowestWidth(40, 3, 20, 4)).toBe(64);
    expect(narrowestWidth(40, 0, 20, 4)).toBe(40);
  });

  it("turns a lone badge that does not fit into '+1'", () => {
    expect(fitBadges(40, [70], [0], 20, 4, 100)).toEqual({ shown: [false], more: 1 });
    expect(fitBadges(40, [50], [0], 20, 4, 100)).toEqual({ shown: [true], more: 0 });
  });

  it("shows everything while nothing is measured", () => {
    expect(fitBadges(40, [0, 30], ranks, 20, 4, 50).more).toBe(0);
    expect(fitBadges(40, widths, ranks, 20, 4, Infinity).more).toBe(0);
    expect(fitBadges(40, widths, ranks, 0, 4, 50).more).toBe(0);
    expect(fitBadges(40, [], [], 20, 4, 10)).toEqual({ shown: [], more: 0 });
  });

  it("ranks a due review first, then a stale copy, the old format, idleness and a saved copy", () => {
    expect(BADGE_RANK).toEqual(["review", "stale", "legacy", "idle", "saved"]);
    expect(badgeKind({ testid: "saved-badge", stale: true })).toBe("stale");
    expect(badgeKind({ testid: "saved-badge" })).toBe("saved");
    const order = ["saved-badge", "legacy-badge", "idle-badge", "review-badge"].map((testid) => badgeRank({ testid }));
    expect(order).toEqual([4, 2, 3, 0]);
  });
});

describe("the region tag", () => {
  it("is the city of a name that gives one, in any of the four languages", () => {
    expect(regionTag("Japan (Tokyo)")).toBe("Tokyo");
    expect(regionTag("日本（东京）")).toBe("东京");
    expect(regionTag("華北2（北京）")).toBe("北京");
    expect(regionTag("ドイツ (フランクフルト)")).toBe("フランクフルト");
    expect(regionTag("US (Virginia)")).toBe("Virginia");
  });

  it("is the whole name when there is no city in it", () => {
    expect(regionTag("Singapore")).toBe("Singapore");
    expect(regionTag("中国香港")).toBe("中国香港");
  });
});
