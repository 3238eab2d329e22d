import { type SafeHtml, raw } from '@laurel/jsx';

export interface EmailParts {
  title: string;
  /** The line mail clients show beside the subject; hidden in the body. */
  preheader?: string;
  body: SafeHtml;
  action?: { label: string; url: string };
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/**
 * A complete HTML email. Tables and inline styles because mail clients (Outlook above all)
 * ignore stylesheets and most layout CSS; the body inherits its type from the cell.
 */
export function renderEmail(parts: EmailParts): string {
  const page = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{parts.title}</title>
      </head>
      <body style={`margin:0;padding:0;background:#f3f5f4;${FONT}`}>
        {parts.preheader ? (
          <div style="display:none;max-height:0;overflow:hidden;opacity:0;color:transparent">
            {parts.preheader}
          </div>
        ) : null}
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f5f4">
          <tr>
            <td align="center" style="padding:24px 12px">
              <table
                role="presentation"
                width="100%"
                cellpadding="0"
                cellspacing="0"
                style="max-width:560px;background:#ffffff;border-radius:8px;border:1px solid #dde3e0"
              >
                <tr>
                  <td
                    style={`padding:20px 28px;border-bottom:3px solid #1f5c4a;${FONT};font-size:18px;font-weight:700;color:#1f5c4a`}
                  >
                    Laurel
                  </td>
                </tr>
                <tr>
                  <td style={`padding:24px 28px 8px;${FONT};font-size:16px;line-height:1.5;color:#1d2522`}>
                    <h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;color:#1d2522">
                      {parts.title}
                    </h1>
                    {parts.body}
                  </td>
                </tr>
                {parts.action ? (
                  <tr>
                    <td style="padding:8px 28px 24px">
                      <table role="presentation" cellpadding="0" cellspacing="0">
                        <tr>
                          <td style="border-radius:6px;background:#1f5c4a">
                            <a
                              href={parts.action.url}
                              style={`display:inline-block;padding:12px 22px;${FONT};font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px`}
                            >
                              {parts.action.label}
                            </a>
                          </td>
                        </tr>
                      </table>
                      <p style={`margin:16px 0 0;${FONT};font-size:13px;line-height:1.5;color:#55605b`}>
                        If the button does not work, copy this address into your browser:
                        <br />
                        <a href={parts.action.url} style="color:#1f5c4a;word-break:break-all">
                          {parts.action.url}
                        </a>
                      </p>
                    </td>
                  </tr>
                ) : null}
                <tr>
                  <td
                    style={`padding:16px 28px;border-top:1px solid #e6ebe8;${FONT};font-size:12px;line-height:1.5;color:#6b7672`}
                  >
                    Sent by Laurel, an open platform for verifiable Open Badges.
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
  return `<!doctype html>${page.html}`;
}

/** The plain-text part: paragraphs separated by a blank line, with a sign-off. */
export function emailText(lines: string[]): string {
  return `${[...lines.map((l) => l.trim()).filter(Boolean), '— Laurel'].join('\n\n')}\n`;
}

/** Paragraphs for an email body from plain sentences (escaped). */
export function paragraphs(lines: string[]): SafeHtml {
  return raw(lines.map((l) => (<p style="margin:0 0 14px">{l}</p>).html).join(''));
}
