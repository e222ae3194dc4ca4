import '@testing-library/jest-dom';

// jsdom has no ResizeObserver; charts measure their container with it.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??=
  NoResizeObserver;
