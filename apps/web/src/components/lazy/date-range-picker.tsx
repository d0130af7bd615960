import { DatePicker, type DatePickerProps } from '@mantine/dates';

/**
 * The range calendar, behind a dynamic import (`lazy(() => import(...))`): a module of its
 * own, because importing the `@mantine/dates` barrel itself dynamically would keep every
 * export of it in the chunk that also imports it statically (the entry, via DatesProvider).
 */
export default function DateRangePicker(props: DatePickerProps<'range'>) {
  return <DatePicker {...props} />;
}
