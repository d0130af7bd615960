import type { Role } from './enums';

/**
 * The one permission table. The API enforces it (every procedure names exactly one
 * permission); the web app reads it only to decide what to show.
 */
export const PERMISSIONS = [
  'subsidiary:read',
  'subsidiary:write',
  'project:read',
  'project:write',
  'project:assign',
  'lead:read',
  'lead:update',
  'lead:export',
  'lead:transfer',
  'lead:hold',
  /** Restrict a lead's processing (GDPR art. 18) and record objections (art. 21). */
  'lead:restrict',
  'consent:withdraw',
  'audience:export',
  'policy:publish',
  'dsr:manage',
  /**
   * Which staff consulted a data subject's leads, by name ("who has seen this person"). Apart
   * from dsr:manage because the person's own export never names staff (C-579/21).
   */
  'dsr:seen_by',
  'retention:manage',
  'user:read',
  'user:manage',
  'audit:read',
  'audit:export',
  'audit:verify',
  'dashboard:read',
  'view:manage',
  /** Share a saved view with everyone (not only the owner or their subsidiary). */
  'view:share_all',
  /** See and remove anyone's saved view. */
  'view:manage_any',
  /** The record of processing activities (GDPR art. 30): read-only, no personal data. */
  'processing:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS = {
  admin: [...PERMISSIONS],
  privacy_officer: [
    'subsidiary:read',
    'project:read',
    'lead:read',
    'lead:hold',
    'lead:restrict',
    'consent:withdraw',
    'audience:export',
    'policy:publish',
    'dsr:manage',
    'dsr:seen_by',
    'retention:manage',
    'audit:read',
    'audit:export',
    'audit:verify',
    'dashboard:read',
    'view:manage',
    'processing:read',
  ],
  subsidiary_user: [
    'subsidiary:read',
    'project:read',
    'lead:read',
    'lead:update',
    'lead:export',
    'consent:withdraw',
    'dashboard:read',
    'view:manage',
  ],
  auditor: ['audit:read', 'audit:export', 'audit:verify', 'user:read', 'processing:read'],
} as const satisfies Record<Role, readonly Permission[]>;

const lookup = new Map<Role, ReadonlySet<Permission>>(
  (Object.keys(ROLE_PERMISSIONS) as Role[]).map((role) => [
    role,
    new Set<Permission>(ROLE_PERMISSIONS[role]),
  ]),
);

/** Deny by default: an unknown role or permission is never granted. */
export function hasPermission(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return lookup.get(role)?.has(permission) ?? false;
}

/** Roles whose records are limited to one subsidiary. */
export function isSubsidiaryScoped(role: Role): boolean {
  return role === 'subsidiary_user';
}
