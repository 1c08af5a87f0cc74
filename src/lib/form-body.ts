/**
 * A form body as it is read at the boundary, without NUL characters: a NUL is never typed into a form, PostgreSQL
 * refuses it in text ("invalid byte sequence", a 500), and every string of every form goes through here (the
 * urlencoded parser in `app.ts` and the multipart fields of `registerUploads`). Other control characters are kept for
 * the forms' own cleaning (`cleanText`), which shows the person what it kept.
 */
export function withoutNul<T>(body: T): T {
  if (typeof body !== 'object' || body === null) return body;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') {
      if (value.includes('\u0000')) (body as Record<string, unknown>)[key] = value.replaceAll('\u0000', '');
    } else if (Array.isArray(value)) {
      (body as Record<string, unknown>)[key] = value.map((v: unknown) =>
        typeof v === 'string' ? v.replaceAll('\u0000', '') : v,
      );
    }
  }
  return body;
}
