import { router } from '../trpc';
import { auditRouter } from './audit';
import { authRouter } from './auth';
import { leadRouter } from './lead';
import { projectRouter } from './project';
import { subsidiaryRouter } from './subsidiary';

export const appRouter = router({
  auth: authRouter,
  subsidiary: subsidiaryRouter,
  project: projectRouter,
  lead: leadRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
