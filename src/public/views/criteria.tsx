// What a badge's criteria say, as the badge page and the claim page show them.
import type { SafeHtml } from '@laurel/jsx';

/** The criteria narrative (line breaks kept) and the link to the full criteria, each if present. */
export function CriteriaText(props: { narrative: string | null; url: string | null }): SafeHtml {
  return (
    <>
      {props.narrative ? <p style="white-space:pre-wrap">{props.narrative}</p> : null}
      {props.url ? (
        <p>
          <a href={props.url} rel="noopener nofollow">
            Full criteria
          </a>
        </p>
      ) : null}
    </>
  );
}
