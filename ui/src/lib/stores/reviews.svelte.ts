// Keys whose review date has come, for the active account in every region,
// from this computer's records (no network): the reminder at launch. Asked
// again after a date is set or cleared, and when the account changes.
import { ipc, type IpcError, type ReviewDue } from "../ipc";
import { notices } from "./notices.svelte";

class ReviewsStore {
  due = $state<ReviewDue[]>([]);
  /** "Later": hidden until the next launch or account switch. */
  dismissed = $state(false);

  async load(): Promise<void> {
    try {
      this.due = await ipc.reviewsDue();
    } catch {
      // A reminder is a convenience: an unreadable record shows no banner.
      this.due = [];
    }
  }

  /** Drop a reminder without opening the key (a key that is gone, or done with). */
  async remove(d: ReviewDue): Promise<void> {
    try {
      await ipc.keySetReviewDate(d.region, d.apiKeyId, null, d.label);
      this.due = this.due.filter((x) => !(x.region === d.region && x.apiKeyId === d.apiKeyId));
    } catch (e) {
      notices.error(e as IpcError);
    }
  }

  /** A new account: its own reminders, shown again. */
  async reset(): Promise<void> {
    this.dismissed = false;
    await this.load();
  }
}

export const reviews = new ReviewsStore();
