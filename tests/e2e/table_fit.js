// What is wrong with the key table as drawn (issue 27): one entry per failure,
// none when every drawn row is whole. Run by test_table_fit.py through
// WebDriver's execute_script; the result is its return value.
//
// Fails when:
//  - an element that must not be cut ([data-nocut]: the masked key, the status
//    and each badge, the amount with its currency, the date, the region tag,
//    the row's buttons) is cut: its own content overflows it (scrollWidth >
//    clientWidth), or its box is not inside the visible box of its cell (the
//    cell cut by every ancestor that clips: the cell itself, the table's
//    scroller, the window), or it overlaps another cell of its row;
//  - a collapsed badge set is inconsistent: "+N" does not count the badges it
//    stands for, or one of those is still drawn;
//  - the description column is narrower than 16 digits "0" of its font;
//  - the page, or a box around the table, scrolls sideways.
const fails = [];
const round = (n) => Math.round(n * 10) / 10;
const SLACK = 0.5;

const table = document.querySelector("[data-testid=key-list]");
if (!table) return [{ what: "no key table on screen" }];
const rows = [...table.querySelectorAll("tbody tr[data-row]")];
if (!rows.length) fails.push({ what: "no key row drawn" });

/** The padding box of an element that clips its overflow, in the window; null when it does not clip. */
function clipBox(el) {
  const s = getComputedStyle(el);
  if (s.overflowX === "visible" && s.overflowY === "visible") return null;
  const r = el.getBoundingClientRect();
  const left = r.left + parseFloat(s.borderLeftWidth);
  const top = r.top + parseFloat(s.borderTopWidth);
  return { left, top, right: left + el.clientWidth, bottom: top + el.clientHeight };
}

/** What of `cell` can be seen: its padding box, cut sideways by every ancestor that clips and by the window. */
function visibleBox(cell) {
  const r = cell.getBoundingClientRect();
  const s = getComputedStyle(cell);
  const box = {
    left: r.left + parseFloat(s.borderLeftWidth),
    top: r.top + parseFloat(s.borderTopWidth),
    right: r.right - parseFloat(s.borderRightWidth),
    bottom: r.bottom - parseFloat(s.borderBottomWidth),
  };
  // Rows scrolled above or below the scroller are clipped on purpose: only
  // sideways clipping by the ancestors counts; the cell bounds it both ways.
  for (let a = cell.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    const c = clipBox(a);
    if (!c) continue;
    box.left = Math.max(box.left, c.left);
    box.right = Math.min(box.right, c.right);
  }
  box.left = Math.max(box.left, 0);
  box.right = Math.min(box.right, document.documentElement.clientWidth);
  return box;
}

const inside = (r, box) =>
  r.left >= box.left - SLACK && r.right <= box.right + SLACK && r.top >= box.top - SLACK && r.bottom <= box.bottom + SLACK;
const overlap = (a, b) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > SLACK &&
  Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > SLACK;
const boxText = (r) => `[${round(r.left)}, ${round(r.right)}] x [${round(r.top)}, ${round(r.bottom)}]`;

/** A cell's padding box sideways, in the window. */
function sideways(cell) {
  const r = cell.getBoundingClientRect();
  const s = getComputedStyle(cell);
  return { left: r.left + parseFloat(s.borderLeftWidth), right: r.right - parseFloat(s.borderRightWidth) };
}

// What must not be cut: what the table marks, and (so that a table which marks
// nothing is checked too) the masked key's cell, the status and its badges,
// and the amount.
const NOCUT = "[data-nocut], td.masked, td.status .state, td.status .badge, td.cost .mono";

/** Drawn: laid out and not one of the badges a "+N" stands for. */
const drawn = (el) => !el.closest("[data-collapsed]") && el.getClientRects().length > 0;

const canvas = document.createElement("canvas").getContext("2d");
function zeroWidth(el) {
  const s = getComputedStyle(el);
  canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  return canvas.measureText("0").width;
}

for (const row of rows) {
  const rowId = row.dataset.testid;
  const cells = [...row.children].filter((c) => c.tagName === "TD");
  const label = (cells[0]?.textContent ?? "").trim().slice(0, 24);
  const where = { row: rowId, description: label };

  for (const el of new Set(row.querySelectorAll(NOCUT))) {
    if (!drawn(el)) continue;
    const cell = el.closest("td");
    const what = { ...where, element: el.dataset.nocut ?? el.className, text: el.textContent.trim().slice(0, 40) };
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + SLACK)
      fails.push({ ...what, what: "its content overflows it", scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
    const box = visibleBox(cell);
    // A whole cell (the masked key's, in a table that marks nothing): its padding box.
    const r = el === cell ? { ...box, ...sideways(cell) } : el.getBoundingClientRect();
    if (!inside(r, box))
      fails.push({ ...what, what: "cut: not inside the visible box of its cell", element_box: boxText(r), visible_box: boxText(box) });
    for (const other of cells) {
      if (other === cell || el === cell) continue;
      const o = other.getBoundingClientRect();
      if (overlap(r, o)) {
        fails.push({ ...what, what: "overlaps another cell", element_box: boxText(r), other_cell: boxText(o) });
        break;
      }
    }
  }

  // A collapsed set: "+N" stands for exactly the badges out of sight, and they are.
  const status = row.querySelector("td.status");
  if (status) {
    const collapsed = [...status.querySelectorAll("[data-collapsed]")];
    const more = status.querySelector("[data-testid=badges-more]");
    const n = more ? Number(more.textContent.trim().replace(/^\+/, "")) : 0;
    if (n !== collapsed.length)
      fails.push({ ...where, what: `"+N" says ${n} but ${collapsed.length} badges are collapsed` });
    for (const c of collapsed) {
      const r = c.getBoundingClientRect();
      const hidden = getComputedStyle(c).clipPath !== "none" || r.width <= 1 || r.height <= 1;
      if (!hidden) fails.push({ ...where, what: "a collapsed badge is still drawn", text: c.textContent.trim() });
    }
  }

  // The description: at least 16 digits "0" wide.
  const description = row.querySelector("td.description");
  if (description) {
    const s = getComputedStyle(description);
    const content = description.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    const need = 16 * zeroWidth(description.firstElementChild ?? description);
    if (content + SLACK < need)
      fails.push({ ...where, what: "the description column is narrower than 16ch", width: round(content), need: round(need) });
  }
}

// Nothing scrolls sideways: the page, nor any box around the table (its scroller included).
const page = document.scrollingElement;
if (page.scrollWidth > page.clientWidth)
  fails.push({ what: "the page scrolls sideways", scrollWidth: page.scrollWidth, clientWidth: page.clientWidth });
for (let a = table.parentElement; a && a !== document.documentElement; a = a.parentElement) {
  const s = getComputedStyle(a);
  if ((s.overflowX === "auto" || s.overflowX === "scroll") && a.scrollWidth > a.clientWidth)
    fails.push({
      what: "a box around the table scrolls sideways",
      box: `${a.tagName.toLowerCase()}.${[...a.classList].join(".")}`,
      scrollWidth: a.scrollWidth,
      clientWidth: a.clientWidth,
    });
}
return fails;
