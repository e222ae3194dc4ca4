/** Reads an engine's answer as JSON; an answer that is not JSON is "cannot tell" (undefined). */
export function jsonAnswer<T>(
  read: (body: any) => T | undefined,
): (text: string) => T | undefined {
  return text => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    return read(body);
  };
}
