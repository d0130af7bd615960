import { Select } from '@mantine/core';
import type { GetInputPropsReturnType } from '@mantine/form';
import { isSubsidiaryScoped, ROLES, type Role } from '@mg/shared';
import { useTranslation } from '../../lib/use-translation';

export type AccessValues = { role: string; subsidiaryId: string | null };

/** The part of a Mantine form these fields use (method syntax, so any form holding them fits). */
interface AccessForm {
  values: AccessValues;
  getInputProps(path: keyof AccessValues): GetInputPropsReturnType;
  setFieldValue(path: keyof AccessValues, value: string | null): void;
}

/** Form state to API input: the select's string id to a number, none to null. */
export function toAccessInput(values: AccessValues) {
  return {
    role: values.role as Role,
    subsidiaryId: values.subsidiaryId ? Number(values.subsidiaryId) : null,
  };
}

/**
 * Role and subsidiary, as the invitation and the access change both ask for them: only a
 * subsidiary user has a subsidiary, so it is cleared and disabled for every other role.
 */
export function AccessFields({
  form,
  subsidiaries,
  fallbackRole,
  subsidiaryHint,
}: {
  form: AccessForm;
  subsidiaries: { value: string; label: string }[];
  fallbackRole: Role;
  subsidiaryHint?: string;
}) {
  const { t } = useTranslation();
  const scoped = isSubsidiaryScoped(form.values.role as Role);
  return (
    <>
      <Select
        label={t('users.role')}
        required
        allowDeselect={false}
        data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        {...form.getInputProps('role')}
        onChange={(value) => {
          const role = (value ?? fallbackRole) as Role;
          form.setFieldValue('role', role);
          if (!isSubsidiaryScoped(role)) form.setFieldValue('subsidiaryId', null);
        }}
      />
      <Select
        label={t('users.subsidiary')}
        description={subsidiaryHint}
        required={scoped}
        disabled={!scoped}
        searchable
        clearable
        data={subsidiaries}
        {...form.getInputProps('subsidiaryId')}
      />
    </>
  );
}
