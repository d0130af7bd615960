import type { FormErrors } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { type DomainErrorCode, type FieldErrors, toFieldErrors } from '@mg/shared';
import { errorMessageKey, getApiErrorInfo, isSessionError } from './api-error';
import { i18n } from './i18n';
import { useTranslation } from './use-translation';

type FieldError = FieldErrors[string][number];

type SchemaLike = {
  safeParse(
    value: unknown,
  ): { success: true } | { success: false; error: { issues: Parameters<typeof toFieldErrors>[0] } };
};

/**
 * Error messages are rendered as components rather than stored as strings, so a message
 * already on screen follows a language switch.
 */
export function ValidationMessage({ error }: { error: FieldError }) {
  const { t } = useTranslation();
  return t(`validation.${error.key}`, { min: error.params?.min, max: error.params?.max });
}

function DomainMessage({ code }: { code: DomainErrorCode }) {
  const { t } = useTranslation();
  return t(`errors.${code}`);
}

function toFormErrors(fieldErrors: FieldErrors, domainCode?: DomainErrorCode): FormErrors {
  const errors: FormErrors = {};
  for (const [path, list] of Object.entries(fieldErrors)) {
    const first = list[0];
    if (!first) continue;
    // A domain code (e.g. duplicateOrgNumber) says more than the generic key beside it.
    errors[path] = domainCode ? (
      <DomainMessage code={domainCode} />
    ) : (
      <ValidationMessage error={first} />
    );
  }
  return errors;
}

/**
 * Validates a Mantine form with the same zod schema the API uses, so the client shows the
 * same translated keys the server would send back. `toInput` maps form state (strings from
 * selects, say) to the shape the schema expects.
 */
export function zodResolver<Values>(schema: SchemaLike, toInput?: (values: Values) => unknown) {
  return (values: Values): FormErrors => {
    const result = schema.safeParse(toInput ? toInput(values) : values);
    return result.success ? {} : toFormErrors(toFieldErrors(result.error.issues));
  };
}

/** Shows an API error as a notification: the domain code if any, else a generic message. */
export function notifyApiError(error: unknown) {
  // An ended session has one message of its own, the sign-in dialog (lib/auth.tsx), which
  // sends the change again afterwards: a red "something went wrong" beside it would be wrong.
  if (isSessionError(error)) return;
  const info = getApiErrorInfo(error);
  const message = i18n.t(errorMessageKey(info));
  notifications.show({
    color: 'red',
    title: i18n.t('errors.title'),
    message: info.requestId
      ? `${message} ${i18n.t('errors.reference', { id: info.requestId })}`
      : message,
  });
}

type FormLike = { setErrors(errors: FormErrors): void; getValues(): object };

/**
 * Puts a failed mutation's field errors next to the matching inputs. Anything that has no
 * input to sit beside (or no field errors at all) becomes a notification instead.
 */
export function applyApiError(form: FormLike, error: unknown) {
  const info = getApiErrorInfo(error);
  const fields = new Set(Object.keys(form.getValues()));
  const onForm: FieldErrors = {};
  let leftOver = false;
  for (const [path, list] of Object.entries(info.fieldErrors ?? {})) {
    const root = path.split('.')[0] ?? path;
    if (fields.has(root)) onForm[path] = list;
    else leftOver = true;
  }
  if (Object.keys(onForm).length > 0) form.setErrors(toFormErrors(onForm, info.domainCode));
  if (leftOver || Object.keys(onForm).length === 0) notifyApiError(error);
}
