import { useTranslation } from '../../lib/use-translation';

/** The rules the server checks too (`passwordProblem` in @mg/shared). */
export function PasswordRules() {
  const { t } = useTranslation();
  return <span>{t('setPassword.rules')}</span>;
}
