// Unmount rendered components after each test.
import "@testing-library/svelte/vitest";
