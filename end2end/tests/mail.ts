import { expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// With no SMTP server configured (as in .ci/test) the server writes each message as an .eml
// file under $PULSE_DATA_DIR/mail: the tests read the mail a reader would get from there.
const MAIL_DIR = join(process.env.PULSE_DATA_DIR ?? 'data', 'mail');

/** Undoes quoted-printable and base64 transfer encodings well enough to find a link. */
export function decoded(raw: string): string {
  const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  const base64 = [...raw.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/g)]
    .map((m) => Buffer.from(m[1].replace(/\s/g, ''), 'base64').toString('utf8'))
    .join('\n');
  return `${qp}\n${base64}`;
}

/** Every message mailed to `address` so far, decoded. */
export function mailTo(address: string): string[] {
  return readdirSync(MAIL_DIR)
    .map((name) => readFileSync(join(MAIL_DIR, name), 'utf8'))
    .filter((raw) => raw.includes(`To: ${address}`))
    .map(decoded);
}

/** The path (with its token) of the newest link to `path` mailed to `address`. */
export async function mailedLink(address: string, path: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+${path.replace(/[.?]/g, '\\$&')}\\?token=[A-Za-z0-9_.-]+`);
  let link: string | undefined;
  await expect
    .poll(() => {
      for (const mail of mailTo(address)) {
        const found = mail.match(pattern);
        if (found) link = found[0];
      }
      return link;
    }, { timeout: 15_000 })
    .toBeTruthy();
  return new URL(link!).pathname + new URL(link!).search;
}
