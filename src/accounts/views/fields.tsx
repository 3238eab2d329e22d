// The fields every form about getting in asks for: an email address and a password.
import type { FieldError } from '../../errors.ts';
import { Field } from '../../ui/components.tsx';
import { MAX_PASSWORD, MIN_PASSWORD } from '../passwords.ts';

interface FieldState {
  value?: string;
  errors?: FieldError[];
}

/** The account's email address; `username` tells password managers this address logs in. */
export function EmailField(p: FieldState & { autocomplete?: 'email' | 'username' }) {
  return (
    <Field
      label="Email"
      name="email"
      type="email"
      value={p.value}
      required
      autocomplete={p.autocomplete ?? 'email'}
      errors={p.errors}
    />
  );
}

/**
 * A password: the one the account has now, or (`choosing`) a new one, with the length the server
 * accepts.
 */
export function PasswordField(
  p: FieldState & { label: string; name: string; choosing?: boolean; hint?: string },
) {
  return (
    <Field
      label={p.label}
      name={p.name}
      type="password"
      required
      autocomplete={p.choosing ? 'new-password' : 'current-password'}
      errors={p.errors}
      hint={p.choosing ? (p.hint ?? `At least ${MIN_PASSWORD} characters.`) : undefined}
      attrs={p.choosing ? { minlength: MIN_PASSWORD, maxlength: MAX_PASSWORD } : undefined}
    />
  );
}
