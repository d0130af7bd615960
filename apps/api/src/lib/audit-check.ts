import type { Conn } from '@mg/db';
// Not @mg/db's index: the CLI's verify-audit loads this without drizzle (see cli-verify.ts).
import {
  accessLogEntryHash,
  type BrokenReason,
  type ChainHead,
  type VerifyFrom,
  type VerifyResult,
  verifyAccessLog,
} from '@mg/db/audit-verify';
import {
  type Anchor,
  type AnchorConfig,
  appendAnchor,
  readAnchors,
  signAnchor,
} from './audit-anchors';

export type AuditCheckMode = 'full' | 'incremental';

/** What procedures use: the anchor configuration, and a check that may run elsewhere. */
export interface AuditTrail {
  anchors(): AnchorConfig;
  check(mode: AuditCheckMode): Promise<AuditCheck>;
}

export type AuditBrokenReason =
  | BrokenReason
  /** The log ends before the newest anchor: entries were cut off. */
  | 'truncated'
  /** An anchored entry's hash changed: an entry at or before it was changed and re-hashed. */
  | 'anchorMismatch'
  /** A line in the anchors file does not carry a valid signature. */
  | 'anchorForged';

interface AuditCheckCommon {
  mode: AuditCheckMode;
  /** Entry ids walked this time; for an incremental check, from the newest anchor on. */
  fromId: number;
  toId: number;
  checked: number;
  head: ChainHead | null;
  /** The newest valid anchor, and how many valid anchors were compared with the log. */
  anchor: Pick<Anchor, 'id' | 'hash' | 'at' | 'anchoredAt'> | null;
  anchors: number;
  checkedAt: number;
  durationMs: number;
}

export type AuditCheck =
  | (AuditCheckCommon & { ok: true })
  | (AuditCheckCommon & {
      ok: false;
      reason: AuditBrokenReason;
      /** The first entry that does not hold (null when the anchors file itself is forged). */
      firstBrokenId: number | null;
      /** For anchorForged: the line in the anchors file. */
      anchorLine?: number;
    });

/** What a check compares the log with: the anchors file, read once. */
export interface CheckPlan {
  mode: AuditCheckMode;
  anchors: Anchor[];
  forged: number[];
  /** Where the walk starts: after the newest anchor (incremental), or at the start. */
  from: VerifyFrom | null;
  checkedAt: number;
  started: number;
}

export function planCheck(
  config: AnchorConfig,
  mode: AuditCheckMode,
  now: () => number = Date.now,
): CheckPlan {
  const started = performance.now();
  const checkedAt = now();
  const { anchors, forged } = readAnchors(config);
  const latest = anchors.at(-1) ?? null;
  const from = mode === 'incremental' && latest ? { id: latest.id, hash: latest.hash } : null;
  return { mode, anchors, forged, from, checkedAt, started };
}

/**
 * Verify the access log against its anchors: every anchor's signature, every anchored entry
 * still has its anchored hash, the log still reaches the newest anchor, and the chain (with
 * its target rows) holds — from the start (full) or from the newest anchor (incremental; the
 * entries before it were verified when it was made).
 */
export function checkAuditLog(
  conn: Conn,
  config: AnchorConfig,
  mode: AuditCheckMode,
  now: () => number = Date.now,
): AuditCheck {
  const plan = planCheck(config, mode, now);
  const walk = verifyAccessLog(conn, { from: plan.from });
  return judgeWalk((id) => accessLogEntryHash(conn, id), plan, walk);
}

/**
 * The verdict on a walk of the chain (made here or in worker threads) and the anchors;
 * `entryHash` reads an entry's stored hash (from the walk's database).
 */
export function judgeWalk(
  entryHash: (id: number) => ChainHead | null,
  plan: CheckPlan,
  walk: VerifyResult,
): AuditCheck {
  const { anchors, forged, mode, checkedAt } = plan;
  const latest = anchors.at(-1) ?? null;
  const anchor = latest
    ? { id: latest.id, hash: latest.hash, at: latest.at, anchoredAt: latest.anchoredAt }
    : null;
  const common = {
    mode,
    fromId: walk.fromId,
    toId: walk.toId,
    checked: walk.checked,
    head: walk.head,
    anchor,
    anchors: anchors.length,
    checkedAt,
  };
  const done = () => Math.round(performance.now() - plan.started);
  const firstForged = forged[0];
  if (firstForged !== undefined)
    return {
      ...common,
      ok: false,
      reason: 'anchorForged',
      firstBrokenId: null,
      anchorLine: firstForged,
      durationMs: done(),
    };
  const headId = walk.head?.id ?? 0;
  if (latest && headId < latest.id)
    return {
      ...common,
      ok: false,
      reason: 'truncated',
      firstBrokenId: headId + 1,
      durationMs: done(),
    };
  for (const a of anchors) {
    const entry = entryHash(a.id);
    if (!entry || entry.hash !== a.hash)
      return {
        ...common,
        ok: false,
        reason: 'anchorMismatch',
        firstBrokenId: a.id,
        durationMs: done(),
      };
  }
  if (!walk.ok)
    return {
      ...common,
      ok: false,
      reason: walk.reason,
      firstBrokenId: walk.firstBrokenId,
      durationMs: done(),
    };
  return { ...common, ok: true, durationMs: done() };
}

/**
 * Anchor the head: check the log from the newest anchor, then sign the head that check ended
 * at, so every anchor vouches for a chain that was verified up to it. Nothing is anchored
 * when the check fails, when the log is empty, or when the head is anchored already.
 */
export function anchorAuditLog(
  conn: Conn,
  config: AnchorConfig,
  now: () => number = Date.now,
): { check: AuditCheck; anchored: Anchor | null } {
  return anchorChecked(config, checkAuditLog(conn, config, 'incremental', now), now);
}

/** Sign and append the head of a check that passed (the check may have run in a worker). */
export function anchorChecked(
  config: AnchorConfig,
  check: AuditCheck,
  now: () => number = Date.now,
): { check: AuditCheck; anchored: Anchor | null } {
  if (!check.ok || !check.head || check.head.id === check.anchor?.id)
    return { check, anchored: null };
  const anchored = signAnchor(config.key, check.head, now());
  appendAnchor(config, anchored);
  return { check, anchored };
}
