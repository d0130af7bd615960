import 'dayjs/locale/en';
import 'dayjs/locale/nb';
import {
  type DateInputProps,
  type DatePickerInputProps,
  type DatePickerProps,
  type DatePickerType,
  DatesProvider,
  DateInput as MantineDateInput,
  DatePicker as MantineDatePicker,
  DatePickerInput as MantineDatePickerInput,
} from '@mantine/dates';
import dayjs from 'dayjs';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import type { ReactNode } from 'react';
import { useTranslation } from '../lib/use-translation';

/*
 * The date pickers, each inside its own DatesProvider (the UI's language, weeks from Monday),
 * so that dayjs, its locales and the provider load only with the screens that show a picker
 * instead of with every page (issue 11: the first load of /login and /leads). Screens import
 * the pickers from here, never from '@mantine/dates'.
 */

// `valueFormat="L"`: the language's short date ("01.12.2026" / "12/01/2026").
dayjs.extend(localizedFormat);

function LocalDates({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <DatesProvider settings={{ locale: i18n.language, firstDayOfWeek: 1 }}>
      {children}
    </DatesProvider>
  );
}

export function DatePickerInput<Type extends DatePickerType = 'default'>(
  props: DatePickerInputProps<Type>,
) {
  return (
    <LocalDates>
      <MantineDatePickerInput<Type> {...props} />
    </LocalDates>
  );
}

export function DatePicker<Type extends DatePickerType = 'default'>(props: DatePickerProps<Type>) {
  return (
    <LocalDates>
      <MantineDatePicker<Type> {...props} />
    </LocalDates>
  );
}

export function DateInput(props: DateInputProps) {
  return (
    <LocalDates>
      <MantineDateInput {...props} />
    </LocalDates>
  );
}
