import { tick } from "svelte";
import { vi } from "vitest";

/**
 * Lets everything already set in motion run to its end: promise chains,
 * Svelte effects and zero-delay timers, for several rounds of the event loop.
 * A check that something did NOT happen means something only after this: one
 * microtask proves nothing about a handler that awaits twice before acting.
 */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
    else await new Promise((resolve) => setTimeout(resolve, 0));
    await tick();
  }
}
