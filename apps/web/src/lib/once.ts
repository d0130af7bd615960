/**
 * Wraps an undo so it runs at most once, however often the button is pressed (a double click,
 * or a click racing the toast's closing): an undo sent twice would log two changes.
 */
export function once(action: () => void): () => boolean {
  let done = false;
  return () => {
    if (done) return false;
    done = true;
    action();
    return true;
  };
}
