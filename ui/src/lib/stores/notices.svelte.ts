// Short confirmations and action errors, announced politely to screen readers.
// Errors stay until dismissed so nothing fails silently.
import type { IpcError } from "../ipc";

export type Notice = { id: number; text: string; error?: IpcError };

let nextId = 1;

class NoticesStore {
  items = $state<Notice[]>([]);

  ok(text: string, ms = 5000): void {
    const id = nextId++;
    this.items = [...this.items, { id, text }];
    setTimeout(() => this.dismiss(id), ms);
  }

  error(error: IpcError): void {
    this.items = [...this.items, { id: nextId++, text: error.message, error }];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

export const notices = new NoticesStore();
