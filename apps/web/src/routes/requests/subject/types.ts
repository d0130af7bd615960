import type { RouterOutputs } from '../../../lib/trpc';

export type SubjectView = RouterOutputs['subject']['view'];
export type SubjectLead = SubjectView['leads'][number];
