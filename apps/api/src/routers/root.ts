import { router } from '../trpc';
import { accountRouter } from './account';
import { audienceRouter } from './audience';
import { auditRouter } from './audit';
import { authRouter } from './auth';
import { consentRouter } from './consent';
import { dashboardRouter } from './dashboard';
import { dsrRouter } from './dsr';
import { leadRouter } from './lead';
import { paletteRouter } from './palette';
import { policyRouter } from './policy';
import { processingRouter } from './processing';
import { projectRouter } from './project';
import { retentionRouter } from './retention';
import { subjectRouter } from './subject';
import { subsidiaryRouter } from './subsidiary';
import { userRouter } from './user';
import { viewRouter } from './view';

export const appRouter = router({
  auth: authRouter,
  subsidiary: subsidiaryRouter,
  project: projectRouter,
  lead: leadRouter,
  view: viewRouter,
  dashboard: dashboardRouter,
  audit: auditRouter,
  policy: policyRouter,
  consent: consentRouter,
  audience: audienceRouter,
  user: userRouter,
  account: accountRouter,
  retention: retentionRouter,
  subject: subjectRouter,
  processing: processingRouter,
  dsr: dsrRouter,
  palette: paletteRouter,
});

export type AppRouter = typeof appRouter;
