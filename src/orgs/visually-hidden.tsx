import type { Child } from '@laurel/jsx';

/**
 * Text for screen readers only. The parent gets `position:relative` from the caller so the
 * hidden box stays inside it: positioned against the page, a hidden column heading at the end
 * of a scrolling table widened the whole page on a phone.
 */
export function VisuallyHidden(props: { children?: Child }) {
  return (
    <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap">
      {props.children}
    </span>
  );
}
