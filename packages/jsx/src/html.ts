/**
 * HTML strings that are safe to emit as they are. Everything else that reaches a
 * template is text and gets escaped: the default is the safe choice, so a badge
 * named `<script>` can never become markup by someone forgetting an attribute
 * (the trap of runtimes that escape only on request).
 */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Marks a string as trusted markup. Use only for HTML the server built itself. */
export function raw(html: string): SafeHtml {
  return new SafeHtml(html);
}

export type Child = SafeHtml | string | number | bigint | boolean | null | undefined | Child[];

export function renderChild(child: Child): string {
  if (child === null || child === undefined || child === false || child === true) return '';
  if (child instanceof SafeHtml) return child.html;
  if (Array.isArray(child)) {
    let out = '';
    for (const c of child) out += renderChild(c);
    return out;
  }
  return escapeHtml(String(child));
}

/** `<!doctype html>` plus the rendered root element, ready to send. */
export function documentHtml(root: SafeHtml): string {
  return '<!doctype html>' + root.html;
}
