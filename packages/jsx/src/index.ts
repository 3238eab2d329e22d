export { SafeHtml, escapeHtml, raw, renderChild, documentHtml, type Child } from './html.ts';
export { Fragment } from './jsx-runtime.ts';
