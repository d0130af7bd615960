/**
 * Validation messages travel as keys, not sentences, so the web app can show them in the
 * user's language. The API's error formatter turns zod issues into these keys.
 */
export const VALIDATION_KEYS = [
  'required',
  'tooShort',
  'tooLong',
  'invalid',
  'invalidEmail',
  'invalidPhone',
  'invalidOrgNumber',
  'invalidSlug',
  'passwordTooShort',
  'dateOrder',
  'dateOutOfRange',
  'rangeTooLong',
  'invalidCharacters',
  'noVisibleText',
  // accounts
  'passwordTooCommon',
  'subsidiaryRequired',
  'subsidiaryNotAllowed',
  'invalidCode',
  // data subject requests
  'emailOrPhoneRequired',
] as const;
export type ValidationKey = (typeof VALIDATION_KEYS)[number];

/** Domain errors with a stable code; the UI translates `errors.<code>`. */
export const DOMAIN_ERROR_CODES = [
  'duplicateOrgNumber',
  'duplicateSlug',
  'duplicateEmail',
  'invalidCredentials',
  'notFound',
  'forbidden',
  'unauthenticated',
  'sameSubsidiary',
  'inactiveSubsidiary',
  'rateLimited',
  'payloadTooLarge',
  'projectClosed',
  'leadRestricted',
  'leadAnonymised',
  'duplicateLabel',
  'internal',
  // grid
  'tooManyLeads',
  // accounts
  'linkInvalid',
  'wrongPassword',
  'invalidCode',
  'notInvited',
  'ownAccount',
  'totpAlreadyEnabled',
  'totpNotEnabled',
  // data subject requests: the subject view's actions
  'requestNotActive',
  'actionNotForRequestType',
  // data subject requests
  'dsrTransitionNotAllowed',
  'dsrAlreadyExtended',
  'dsrClosed',
  'dsrNoAddress',
  // retention
  'retentionRunning',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export type FieldErrors = Record<string, { key: ValidationKey; params?: Record<string, number> }[]>;

const validationKeys = new Set<string>(VALIDATION_KEYS);

type IssueLike = {
  code: string;
  message: string;
  path: readonly PropertyKey[];
  minimum?: unknown;
  maximum?: unknown;
  format?: string;
  input?: unknown;
};

/** Map zod issues to translatable field errors; unknown messages never leak through. */
export function toFieldErrors(issues: readonly IssueLike[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '_';
    let key: ValidationKey;
    const params: Record<string, number> = {};
    if (validationKeys.has(issue.message)) key = issue.message as ValidationKey;
    else if (issue.code === 'too_small') key = issue.input === undefined ? 'required' : 'tooShort';
    else if (issue.code === 'too_big') key = 'tooLong';
    else if (issue.code === 'invalid_format' && issue.format === 'email') key = 'invalidEmail';
    else if (issue.code === 'invalid_type' && issue.input === undefined) key = 'required';
    else key = 'invalid';
    if (typeof issue.minimum === 'number' || typeof issue.minimum === 'bigint')
      params.min = Number(issue.minimum);
    if (typeof issue.maximum === 'number' || typeof issue.maximum === 'bigint')
      params.max = Number(issue.maximum);
    const list = out[path] ?? [];
    list.push(Object.keys(params).length ? { key, params } : { key });
    out[path] = list;
  }
  return out;
}
