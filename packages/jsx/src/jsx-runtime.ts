import { type Child, SafeHtml, escapeHtml, renderChild } from './html.ts';

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

type Props = Record<string, unknown> & { children?: Child };
type Component = (props: any) => SafeHtml;

function renderAttributes(props: Props): string {
  let out = '';
  for (const key in props) {
    if (key === 'children') continue;
    const value = props[key];
    if (value === undefined || value === null || value === false) continue;
    const name = key === 'className' ? 'class' : key === 'htmlFor' ? 'for' : key;
    if (value === true) out += ' ' + name;
    else out += ' ' + name + '="' + escapeHtml(String(value)) + '"';
  }
  return out;
}

export function jsx(type: string | Component, props: Props): SafeHtml {
  if (typeof type === 'function') return type(props);
  const attrs = renderAttributes(props);
  if (VOID.has(type)) return new SafeHtml('<' + type + attrs + '>');
  return new SafeHtml('<' + type + attrs + '>' + renderChild(props.children) + '</' + type + '>');
}

export const jsxs = jsx;
export const jsxDEV = jsx;

export function Fragment(props: { children?: Child }): SafeHtml {
  return new SafeHtml(renderChild(props.children));
}

export namespace JSX {
  export type Element = SafeHtml;
  export interface ElementChildrenAttribute {
    children: unknown;
  }
  export interface IntrinsicElements {
    [name: string]: Record<string, unknown>;
  }
}
