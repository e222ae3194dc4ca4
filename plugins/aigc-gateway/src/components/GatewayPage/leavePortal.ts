/** Leaves the portal for `url` in this tab, without a history entry to come back to the redirect. */
export function leavePortal(url: string) {
  window.location.replace(url);
}
