/** Keeps the API key out of everything we log, throw or record. */

export const REDACTED = '[REDACTED]';

const API_KEY_PARAM_PROBE = /apikey=/i;

/** Drops `apiKey=` query parameters (any case) from a URL or query string. */
export function stripApiKeyParams(text: string): string {
  return text.replace(/\?apikey=[^&#"\s]*&/gi, '?').replace(/[?&]apikey=[^&#"\s]*/gi, '');
}

/** Replaces every occurrence of each secret (raw or URL-encoded) and every `apiKey=` value. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  // The checks before each rewrite keep this cheap on large bodies that (nearly always) hold no secret.
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
  }
  return API_KEY_PARAM_PROBE.test(out) ? out.replace(/(apikey=)[^&#"\s]*/gi, `$1${REDACTED}`) : out;
}
