import { DOMAIN_ERROR_CODES, type DomainErrorCode, type FieldErrors } from '@mg/shared';
import { TRPCClientError } from '@trpc/client';

export type ApiErrorInfo = {
  /** tRPC error code such as NOT_FOUND or UNAUTHORIZED; undefined for network failures. */
  code: string | undefined;
  httpStatus: number | undefined;
  requestId: string | undefined;
  domainCode: DomainErrorCode | undefined;
  fieldErrors: FieldErrors | undefined;
};

const domainCodes = new Set<string>(DOMAIN_ERROR_CODES);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Reads the error shape the API's formatter produces. Checked at runtime rather than
 * trusted, because a proxy or a network failure can answer with something else entirely.
 */
export function getApiErrorInfo(error: unknown): ApiErrorInfo {
  const data = error instanceof TRPCClientError && isRecord(error.data) ? error.data : {};
  const domainCode =
    typeof data.domainCode === 'string' && domainCodes.has(data.domainCode)
      ? (data.domainCode as DomainErrorCode)
      : undefined;
  return {
    code: typeof data.code === 'string' ? data.code : undefined,
    httpStatus: typeof data.httpStatus === 'number' ? data.httpStatus : undefined,
    requestId: typeof data.requestId === 'string' ? data.requestId : undefined,
    domainCode,
    fieldErrors: isRecord(data.fieldErrors) ? (data.fieldErrors as FieldErrors) : undefined,
  };
}

export function isNotFoundError(error: unknown): boolean {
  return getApiErrorInfo(error).code === 'NOT_FOUND';
}

/** The session is gone or expired; a wrong password at login is not that. */
export function isSessionError(error: unknown): boolean {
  const info = getApiErrorInfo(error);
  return info.code === 'UNAUTHORIZED' && info.domainCode !== 'invalidCredentials';
}

/** Client errors will not succeed on a retry; only network and server failures might. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const { httpStatus } = getApiErrorInfo(error);
  if (httpStatus !== undefined && httpStatus < 500) return false;
  return failureCount < 2;
}

/** The translation key that best explains an error to the user. */
export function errorMessageKey(
  info: ApiErrorInfo,
): `errors.${DomainErrorCode}` | 'errors.network' | 'errors.generic' {
  if (info.domainCode) return `errors.${info.domainCode}`;
  // No tRPC code at all: the request never got an answer from the API.
  return info.code === undefined ? 'errors.network' : 'errors.generic';
}
