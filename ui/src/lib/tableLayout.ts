// How the key table shares its width (issue 27): plain functions over
// widths in px, so the rules are unit-tested without a layout engine
// (tableLayout.test.ts). KeyTable.svelte measures what its cells need in the
// current language and fonts (a hidden ruler) and applies the plan to its
// <col> elements.
//
// What must never be cut: the masked key, the status and its badges, an
// amount with its currency, a date, the region tag. Only free text is cut
// (description, workspace name, permission summary), with the whole value in
// the cell's title and in the key's detail.
//
// Room, by what a person needs:
//   1. required, at the width their content needs: description (at least 16
//      digits "0" wide), key, status (the state and "+N" for its badges), cost
//      (the amount, the sparkline under it), the row's buttons, and the region
//      tag in the all-regions list;
//   2. the status grows toward its rows' collapsed sets (each row shows what
//      fits: all its badges, or its most important one and "+N", or "+N"), as
//      far as the description keeps its minimum; from then on the description
//      keeps 24 digits' width (DESCRIPTION_COMFORT), and the status grows
//      toward its rows' whole sets, then come the workspace, the permission
//      and the created date columns (a column that does not fit hides, and so
//      do the ones after it);
//   3. extras: the sparkline beside the amount, the creator beside the date.
// The description takes whatever is left.
//
// What that gives at the default font (15 px), in English, with the
// sandbox's worst case (tests/e2e/test_table_fit.py; the window is about 40 px
// wider than its table): every column from a table of about 1180 px; below
// that the created date hides, below about 1080 px (the default 1120 px window
// is just above) the permission, below about 940 px the workspace. At the
// minimum window (720 px, a table of about 680 px) the description, key,
// status, cost and buttons remain, with the region tag in all regions. The
// widths move with the language and with the rows' badges (narrower sets
// leave more room). Cells are padded less below COMPACT_BELOW_REM.

export type Column = "region" | "key" | "workspace" | "permission" | "status" | "created" | "cost" | "actions";

/** What the cells need, in px, without their padding (KeyTable's ruler measures them). */
export type Needs = {
  /** 16 digits "0" in the description's font: the narrowest the description may be. */
  description: number;
  key: number;
  /** The widest status among the rows at its narrowest: the state and a "+N" for every badge. */
  statusMin: number;
  /** The widest collapsed set among the rows: the state, the most important badge and "+N" for the others. */
  statusCollapsed: number;
  /** The widest whole badge set among the rows. */
  statusFull: number;
  /** The widest amount with its currency (or "No spend"). */
  amount: number;
  /** The sparkline beside the amount, with its margin. */
  spark: number;
  /** The row's buttons. */
  actions: number;
  /** The widest region tag. */
  region: number;
  date: number;
  /** The longest creator, with its separator. */
  creator: number;
};

export type Plan = {
  /** Whether the table had a width and its ruler had measured (jsdom and the first frame have neither). */
  measured: boolean;
  /** Less padding in the cells. */
  compact: boolean;
  /** Cell padding on each side, in px. */
  pad: number;
  workspace: boolean;
  permission: boolean;
  created: boolean;
  /** The creator beside the date. */
  creator: boolean;
  /** The sparkline beside the amount (else under it). */
  spark: boolean;
  /** Column widths in px, padding included; the description has none (it takes the rest). */
  widths: Partial<Record<Column, number>>;
  /** The room for the status's badges, in px (its column less the padding). */
  statusRoom: number;
};

/** The free-text columns' widths (rem, without padding): enough to read a name, cut beyond. */
const WORKSPACE_REM = 7.5;
const PERMISSION_REM = 8;
/** Below this table width (rem) the cells are padded less. */
export const COMPACT_BELOW_REM = 60;
const PAD_REM = 0.6;
const COMPACT_PAD_REM = 0.4;
/** Past its minimum, the description keeps 1.5 times it (24 digits) before the status's whole set and the lower columns get room. */
const DESCRIPTION_COMFORT = 1.5;
/** A little slack per column for rounding between the ruler and the cells. */
const SLACK_PX = 2;

/** Every column shown, at the stylesheet's widths: what a table that cannot be measured draws. */
export const UNMEASURED: Plan = {
  measured: false,
  compact: false,
  pad: 0,
  workspace: true,
  permission: true,
  created: true,
  creator: true,
  spark: true,
  widths: {},
  statusRoom: Infinity,
};

/**
 * The columns a table of `width` px shows and their widths, for cells that
 * need `needs`, at `rem` px to the rem. `needs` null (or a zero width): not
 * measured yet, so every column at the stylesheet's widths.
 */
export function planColumns(width: number, needs: Needs | null, rem: number, showRegion: boolean): Plan {
  if (!needs || !(width > 0) || !(needs.key > 0) || !(needs.description > 0)) return UNMEASURED;
  const compact = width < COMPACT_BELOW_REM * rem;
  const pad = (compact ? COMPACT_PAD_REM : PAD_REM) * rem;
  const cell = (content: number) => Math.ceil(content + 2 * pad + SLACK_PX);

  const widths: Partial<Record<Column, number>> = {
    key: cell(needs.key),
    status: cell(needs.statusMin),
    cost: cell(needs.amount),
    actions: cell(needs.actions),
  };
  if (showRegion) widths.region = cell(needs.region);
  const used = () => Object.values(widths).reduce((a, b) => a + (b ?? 0), 0);
  /** What the description keeps: its minimum, then (once the status shows its most important badges) a comfortable width. */
  let keep = cell(needs.description);
  const fits = (extra: number) => used() + extra + keep <= width;
  /** The status grows toward `need` as far as the description allows. */
  const growStatus = (need: number) => {
    const now = widths.status ?? 0;
    widths.status = Math.max(now, Math.min(cell(need), width - keep - used() + now));
  };

  growStatus(needs.statusCollapsed);
  keep = cell(needs.description * DESCRIPTION_COMFORT);
  growStatus(needs.statusFull);

  const plan: Plan = {
    measured: true,
    compact,
    pad,
    workspace: false,
    permission: false,
    created: false,
    creator: false,
    spark: false,
    widths,
    statusRoom: 0,
  };
  const optional: [Column & ("workspace" | "permission" | "created"), number][] = [
    ["workspace", cell(WORKSPACE_REM * rem)],
    ["permission", cell(PERMISSION_REM * rem)],
    ["created", cell(needs.date)],
  ];
  for (const [column, w] of optional) {
    if (!fits(w)) break;
    widths[column] = w;
    plan[column] = true;
  }
  if (needs.spark > 0 && fits(needs.spark)) {
    widths.cost = (widths.cost ?? 0) + Math.ceil(needs.spark);
    plan.spark = true;
  }
  if (plan.created && needs.creator > 0 && fits(needs.creator)) {
    widths.created = (widths.created ?? 0) + Math.ceil(needs.creator);
    plan.creator = true;
  }
  plan.statusRoom = (widths.status ?? 0) - 2 * pad;
  return plan;
}

/** Rounding between the ruler's widths and the drawn ones, per row. */
const FIT_SLACK_PX = 1;

/** Which of a row's badges show: `shown[i]` for badge i, and how many the "+N" stands for. */
export type BadgeFit = { shown: boolean[]; more: number };

/**
 * A row's status set in `room` px: the state (`state` px), then its badges
 * (`widths`, in their order) `gap` px apart. When they do not all fit, the
 * most important badge (lowest `ranks`) stays with a "+N" chip (`plus` px)
 * for the others; when even that does not fit, the chip alone. Unmeasured
 * widths (0) or no room known show everything.
 */
export function fitBadges(state: number, widths: number[], ranks: number[], plus: number, gap: number, room: number): BadgeFit {
  const all = { shown: widths.map(() => true), more: 0 };
  if (!widths.length || !(room > 0) || room === Infinity || widths.some((w) => !(w > 0)) || !(plus > 0)) return all;
  room -= FIT_SLACK_PX;
  const whole = widths.reduce((sum, w) => sum + gap + w, state);
  if (whole <= room) return all;
  const best = bestOf(ranks);
  if (widths.length > 1 && state + gap + widths[best] + gap + plus <= room)
    return { shown: widths.map((_, i) => i === best), more: widths.length - 1 };
  return { shown: widths.map(() => false), more: widths.length };
}

/** The room a row's status takes at its narrowest: the state and one "+N" for all its badges. */
export function narrowestWidth(state: number, badges: number, plus: number, gap: number): number {
  return badges ? state + gap + plus : state;
}

/** The room a row's collapsed set takes (the most important badge and "+N" for the others). */
export function collapsedWidth(state: number, widths: number[], ranks: number[], plus: number, gap: number): number {
  if (widths.length < 2) return fullWidth(state, widths, gap);
  return state + gap + widths[bestOf(ranks)] + gap + plus;
}

/** The index of the most important badge (the lowest rank). */
function bestOf(ranks: number[]): number {
  let best = 0;
  ranks.forEach((r, i) => {
    if (r < ranks[best]) best = i;
  });
  return best;
}

/** The whole set's width. */
export function fullWidth(state: number, widths: number[], gap: number): number {
  return widths.reduce((sum, w) => sum + gap + w, state);
}

/** The badge kinds, most important first: what a collapsed set keeps. */
export const BADGE_RANK = ["review", "stale", "legacy", "idle", "saved"] as const;
export type BadgeKind = (typeof BADGE_RANK)[number];

/** A badge's kind from keyRows' badge (its test id, and whether a saved copy is stale). */
export function badgeKind(b: { testid: string; stale?: true }): BadgeKind {
  if (b.testid === "saved-badge") return b.stale ? "stale" : "saved";
  if (b.testid === "legacy-badge") return "legacy";
  if (b.testid === "idle-badge") return "idle";
  return "review";
}

export function badgeRank(b: { testid: string; stale?: true }): number {
  return BADGE_RANK.indexOf(badgeKind(b));
}

/**
 * A region's short tag for the all-regions list: the city in a name such as
 * "Japan (Tokyo)" or "日本（东京）", or the whole name when it has none
 * ("Singapore", "中国香港"). The whole name is the cell's title.
 */
export function regionTag(name: string): string {
  const m = /[(（]([^()（）]+)[)）]\s*$/.exec(name);
  return m ? m[1].trim() : name;
}
