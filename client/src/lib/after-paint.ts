/** `run` once the next frame is painted: after what is on screen now, not before it. */
export function afterPaint(run: () => void): void {
  requestAnimationFrame(() => setTimeout(run));
}
