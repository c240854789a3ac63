import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.svelte";
import { dialogs } from "../stores/dialogs.svelte";
import ConfirmDialog from "./ConfirmDialog.svelte";

beforeEach(() => setLang("en"));

function ask() {
  const answer = dialogs.confirm({ title: "Delete?", body: "Apps stop working.", ok: "Delete key", danger: true });
  render(ConfirmDialog, { props: { request: dialogs.confirmation! } });
  return answer;
}

describe("dialogs", () => {
  it("are labelled modal dialogs that start on the safe choice", () => {
    void ask();
    const d = screen.getByTestId("confirm-dialog");
    expect(d.getAttribute("role")).toBe("alertdialog");
    expect(d.getAttribute("aria-modal")).toBe("true");
    expect(document.getElementById(d.getAttribute("aria-labelledby")!)?.textContent).toBe("Delete?");
    expect(document.activeElement).toBe(screen.getByTestId("confirm-cancel"));
  });

  it("keep Tab focus inside", async () => {
    void ask();
    const cancel = screen.getByTestId("confirm-cancel");
    const ok = screen.getByTestId("confirm-ok");
    ok.focus();
    await fireEvent.keyDown(window, { key: "Tab" });
    expect(document.activeElement).toBe(cancel);
    await fireEvent.keyDown(window, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(ok);
  });

  it("answer no on Esc", async () => {
    const answer = ask();
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(await answer).toBe(false);
    expect(dialogs.confirmation).toBeNull();
  });

  it("answer yes only on the confirm button", async () => {
    const answer = ask();
    await fireEvent.click(screen.getByTestId("confirm-ok"));
    expect(await answer).toBe(true);
  });
});
