// Page-side counters for the end-to-end tests, added with
// context.addInitScript (h.session({ initScript })) so that they wrap the
// browser's APIs before the package loads. (The listener counter, which every
// test layer shares, is tests/common/listeners.js.)

/**
 * Page side, before the package loads: counts localStorage.setItem calls for
 * the session's key and postMessage calls on its BroadcastChannel, each with
 * the fake time it happened at.
 */
export function countWrites() {
  const key = "session-guard";
  const writes = [];
  const posts = [];
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    if (this === window.localStorage && String(k) === key) writes.push(Date.now());
    return setItem.call(this, k, v);
  };
  const postMessage = BroadcastChannel.prototype.postMessage;
  BroadcastChannel.prototype.postMessage = function (m) {
    if (this.name === key) posts.push(Date.now());
    return postMessage.call(this, m);
  };
  window.sessionIo = () => ({ writes: [...writes], posts: [...posts] });
}
