import type { AuditTargetType, DomainErrorCode, FieldErrors } from '@mg/shared';
import { TRPCError } from '@trpc/server';

type TRPCCode = ConstructorParameters<typeof TRPCError>[0]['code'];

/** An expected failure with a stable code the UI translates, and optional field errors. */
export class DomainError extends Error {
  constructor(
    readonly trpcCode: TRPCCode,
    readonly domainCode: DomainErrorCode,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(domainCode);
  }
}

export function domainError(
  code: TRPCCode,
  domainCode: DomainErrorCode,
  fieldErrors?: FieldErrors,
) {
  const cause = new DomainError(code, domainCode, fieldErrors);
  return new TRPCError({ code, message: domainCode, cause });
}

/**
 * A record the caller may not see, or that does not exist: both answer NOT_FOUND so ids
 * cannot be probed. The procedure builder logs it as a denied attempt.
 */
export class RecordNotFound extends DomainError {
  constructor(
    readonly targetType: AuditTargetType,
    readonly targetId: number,
  ) {
    super('NOT_FOUND', 'notFound');
  }
}

export function notFound(targetType: AuditTargetType, targetId: number) {
  return new TRPCError({
    code: 'NOT_FOUND',
    message: 'notFound',
    cause: new RecordNotFound(targetType, targetId),
  });
}

/** SQLite unique violations become a field error on the column that clashed. */
export function uniqueViolation(error: unknown): string | null {
  if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    const match = /UNIQUE constraint failed: \w+\.(\w+)/.exec(error.message);
    return match?.[1] ?? 'unknown';
  }
  return null;
}
