// The fields an organization fills in on creation and in its settings alike.
import type { FieldError } from '../../errors.ts';
import { Field, TextArea } from '../../ui/components.tsx';

export function ContactFields(props: {
  values: Record<string, string | undefined>;
  errors?: FieldError[];
  rows: number;
}) {
  const v = props.values;
  return (
    <>
      <Field label="Website" name="website" type="url" value={v.website} errors={props.errors} />
      <Field
        label="Contact email"
        name="contactEmail"
        type="email"
        value={v.contactEmail}
        errors={props.errors}
      />
      <TextArea
        label="Description"
        name="description"
        value={v.description}
        errors={props.errors}
        rows={props.rows}
      />
    </>
  );
}
