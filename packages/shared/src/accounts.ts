import type { Role } from './enums';

/** How far a session has got: only `full` is signed in (see the sessions table). */
export const SESSION_STAGES = ['full', 'totp', 'enrol'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

export const USER_TOKEN_KINDS = ['invite', 'reset'] as const;
export type UserTokenKind = (typeof USER_TOKEN_KINDS)[number];

/** Shown on /users; derived from the user row, never stored. */
export const USER_STATUSES = ['invited', 'active', 'deactivated', 'locked'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const INVITATION_VALID_MS = 72 * 60 * 60_000;
export const RESET_VALID_MS = 60 * 60_000;
export const RECOVERY_CODE_COUNT = 10;

/** The default of the admin setting "second factor required for": the roles that see most. */
export const DEFAULT_TOTP_REQUIRED_ROLES: readonly Role[] = ['admin', 'privacy_officer'];
